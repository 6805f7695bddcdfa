# frozen_string_literal: true

module Plural
  class Client
    # The Kubernetes proxy's audit trail (docs/server-api.md#audit).
    module Audit
      # The most recent requests through the proxy to the agent, newest first; limit 0 for 100.
      def list_audit_events(agent, limit: 0)
        request = V1::ListAuditEventsRequest.new(agent: agent, limit: limit)
        Convert.message(call(:list_audit_events, request))[:events]
      end
    end
  end
end
