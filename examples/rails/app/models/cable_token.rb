# frozen_string_literal: true

# The credential a page presents to the gateway's /cable (docs/cable.md): a user token issued through ServerApi
# that reaches one agent only and expires. Never the JWT secret, and never a ServerApi JWT, which could drive the
# whole API. The token also opens that agent's Kubernetes proxy as the viewer, so the cluster's RBAC still
# decides what its holder may do there.
#
# Tokens are cached for half their life per viewer and agent, so reloading a page does not issue a new one each
# time and a page always gets a token with at least half its life left.
class CableToken
  def initialize(plural, viewer:, ttl:)
    @plural = plural
    @viewer = viewer
    @ttl = ttl
  end

  def for(agent)
    Rails.cache.fetch(['plural-cable-token', @viewer, agent], expires_in: @ttl / 2) do
      @plural.issue_user_token(user: @viewer, agents: [agent], ttl: @ttl)[:token]
    end
  end
end
