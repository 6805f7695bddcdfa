# frozen_string_literal: true

module Plural
  class Client
    # The audit trail of the Kubernetes proxy and the admin route (docs/server-api.md#listauditevents).
    # Filters: user (a user name or an admin credential's name), verb, and a time range [since, until_time), each
    # optional.
    module Audit
      # The most recent audited requests and sessions of the agent, newest first; limit 0 for 100.
      def list_audit_events(agent, limit: 0, user: '', verb: '', since: nil, until_time: nil)
        audit_page(agent, user: user, verb: verb, since: since, until_time: until_time, page_size: limit)[:events]
      end

      # One page, newest first: { events: [...], next_page_token: "" when last }.
      def audit_page(agent, user: '', verb: '', since: nil, until_time: nil, page_size: 0, page_token: '')
        request = V1::ListAuditEventsRequest.new(agent: agent, user: user, verb: verb, page_size: page_size,
                                                 page_token: page_token, since: audit_timestamp(since),
                                                 until: audit_timestamp(until_time))
        Convert.message(call(:list_audit_events, request))
      end

      # Every kept event that matches, newest first, page after page; an Enumerator without a block.
      def each_audit_event(agent, user: '', verb: '', since: nil, until_time: nil, page_size: 0, &block)
        filters = { user: user, verb: verb, since: since, until_time: until_time, page_size: page_size }
        return enum_for(:each_audit_event, agent, **filters) unless block

        page_token = ''
        loop do
          page = audit_page(agent, **filters, page_token: page_token)
          page[:events].each(&block)
          page_token = page[:next_page_token]
          break if page_token.empty?
        end
      end

      private

      def audit_timestamp(time)
        return nil if time.nil?

        Google::Protobuf::Timestamp.new(seconds: time.to_i, nanos: time.nsec)
      end
    end
  end
end
