# frozen_string_literal: true

module Plural
  class Client
    # Configuration repositories and GitOps (docs/server-api.md#configuration-and-gitops).
    module Configuration
      # ref: branch or tag, "" for main.
      def set_agent_config_source(name, repository:, ref: '')
        request = V1::SetAgentConfigSourceRequest.new(name: name, repository: repository, ref: ref)
        Convert.message(call(:set_agent_config_source, request))
      end

      def get_agent_config(name)
        Convert.message(call(:get_agent_config, V1::GetAgentConfigRequest.new(name: name)))
      end

      def get_sync_status(name)
        Convert.message(call(:get_sync_status, V1::GetSyncStatusRequest.new(name: name)))
      end

      # A push happened: pollers of the repository check now. => [{ ref:, commit:, error: }]
      def notify_git_push(repository)
        Convert.message(call(:notify_git_push, V1::NotifyGitPushRequest.new(repository: repository)))[:refs]
      end
    end
  end
end
