# frozen_string_literal: true

module Plural
  class Client
    # Agents and their tokens (docs/server-api.md#agents, #agent-tokens).
    module Agents
      # => { agent: {...}, token: { token_id:, token:, expires_at: } }. The token is shown once; a retry with the
      # same request_id (the client's own retries always reuse it) gets the same answer. token_ttl in seconds.
      def register_agent(name:, labels: {}, description: '', token_ttl: nil, request_id: Client.new_request_id)
        request = V1::RegisterAgentRequest.new(name: name, labels: Convert.labels(labels), description: description,
                                               token_ttl: Convert.duration(token_ttl), request_id: request_id)
        Convert.message(call(:register_agent, request))
      end

      def get_agent(name)
        Convert.message(call(:get_agent, V1::GetAgentRequest.new(name: name)))
      end

      # One page: { agents: [...], next_page_token: "" when last }.
      def list_agents(page_size: 0, page_token: '', label_selector: '')
        request = V1::ListAgentsRequest.new(page_size: page_size, page_token: page_token, label_selector: label_selector)
        Convert.message(call(:list_agents, request))
      end

      # Every agent (matching label_selector), page after page; an Enumerator without a block.
      def each_agent(label_selector: '', page_size: 0, &block)
        return enum_for(:each_agent, label_selector: label_selector, page_size: page_size) unless block

        page_token = ''
        loop do
          page = list_agents(page_size: page_size, page_token: page_token, label_selector: label_selector)
          page[:agents].each(&block)
          page_token = page[:next_page_token]
          break if page_token.empty?
        end
      end

      # client.agents.each { ... }, client.agents(label_selector: "env=prod").map { ... }
      def agents(label_selector: '', page_size: 0)
        each_agent(label_selector: label_selector, page_size: page_size)
      end

      def delete_agent(name)
        call(:delete_agent, V1::DeleteAgentRequest.new(name: name))
        nil
      end

      # => { token_id:, token:, expires_at: }; ttl in seconds.
      def create_agent_token(name, description: '', ttl: nil, request_id: Client.new_request_id)
        request = V1::CreateAgentTokenRequest.new(name: name, description: description, ttl: Convert.duration(ttl),
                                                  request_id: request_id)
        Convert.message(call(:create_agent_token, request))[:token]
      end

      def revoke_agent_token(name, token_id)
        call(:revoke_agent_token, V1::RevokeAgentTokenRequest.new(name: name, token_id: token_id))
        nil
      end

      # Active and revoked tokens, oldest first.
      def list_agent_tokens(name)
        Convert.message(call(:list_agent_tokens, V1::ListAgentTokensRequest.new(name: name)))[:tokens]
      end
    end
  end
end
