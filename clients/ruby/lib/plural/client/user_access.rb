# frozen_string_literal: true

module Plural
  class Client
    # Users' tokens and kubeconfigs, and how each agent acts in its cluster (docs/server-api.md#user-access-and-kubeconfigs).
    module UserAccess
      MODES = {
        impersonate_user: :CLUSTER_IDENTITY_MODE_IMPERSONATE_USER,
        fixed_identity: :CLUSTER_IDENTITY_MODE_FIXED_IDENTITY,
        agent_service_account: :CLUSTER_IDENTITY_MODE_AGENT_SERVICE_ACCOUNT,
      }.freeze

      # => { info: {...}, token:, kubeconfig: }; agents: names, or ["*"]; ttl in seconds (nil: the gateway's default).
      def issue_user_token(user:, agents:, groups: [], ttl: nil, request_id: Client.new_request_id)
        request = V1::IssueUserTokenRequest.new(user: user, groups: groups, agents: agents, ttl_seconds: ttl.to_i,
                                                request_id: request_id)
        Convert.message(call(:issue_user_token, request))
      end

      def get_user_token(token_id)
        Convert.message(call(:get_user_token, V1::GetUserTokenRequest.new(token_id: token_id)))
      end

      def revoke_user_token(token_id)
        call(:revoke_user_token, V1::RevokeUserTokenRequest.new(token_id: token_id))
        nil
      end

      # => { name:, mode: :impersonate_user | :fixed_identity | :agent_service_account, fixed_user:, fixed_groups: }
      def get_agent_access(name)
        access(call(:get_agent_access, V1::GetAgentAccessRequest.new(name: name)))
      end

      def set_agent_access(name, mode:, fixed_user: '', fixed_groups: [])
        access = V1::AgentAccess.new(name: name, mode: MODES.fetch(mode), fixed_user: fixed_user,
                                     fixed_groups: fixed_groups)
        access(call(:set_agent_access, V1::SetAgentAccessRequest.new(access: access)))
      end

      private

      def access(message)
        hash = Convert.message(message)
        hash.merge(mode: MODES.key(hash[:mode]) || hash[:mode])
      end
    end
  end
end
