# frozen_string_literal: true

require 'base64'
require 'json'
require 'openssl'

module Plural
  # Mints the short-lived HS256 JWTs the gateway takes from the main application (docs/server-api.md#authentication).
  # The secret file is read on every mint, so writing a new secret into it (a rotation) needs no restart.
  class MainAppJwt
    def initialize(secret_file:, issuer:, audience:, subject:, lifetime:)
      @secret_file = secret_file
      @issuer = issuer
      @audience = audience
      @subject = subject
      @lifetime = Integer(lifetime)
    end

    def mint(now = Time.now)
      sign(claims(@subject, now))
    end

    # A token with which the main application acts for a signed-in user on the gateway's /k8s-proxy and /cable
    # (docs/kubernetes-access.md#acting-for-a-signed-in-user): the user's name and groups, and the agents the user may
    # reach (['*'] for every agent). Build this MainAppJwt with the gateway's user audience (Gateway:Access:JwtAudience,
    # 'plural-gateway' by default); the gateway refuses a user token that names no agents.
    def mint_for_user(user:, agents:, groups: [], now: Time.now)
      raise ArgumentError, 'name at least one agent, or "*" for every agent' if agents.nil? || agents.empty?

      sign(claims(user, now).merge(groups: groups, agents: agents))
    end

    private

    def claims(subject, now)
      issued_at = now.to_i
      { iss: @issuer, aud: @audience, sub: subject, iat: issued_at, exp: issued_at + @lifetime }
    end

    def sign(claims)
      header = encode(JSON.generate(alg: 'HS256', typ: 'JWT'))
      payload = encode(JSON.generate(claims))
      signature = encode(OpenSSL::HMAC.digest('SHA256', secret, "#{header}.#{payload}"))
      "#{header}.#{payload}.#{signature}"
    end

    # The gateway trims surrounding whitespace from its copy of the file; so must we.
    def secret
      File.read(@secret_file, encoding: 'UTF-8').strip
    end

    def encode(bytes)
      Base64.urlsafe_encode64(bytes, padding: false)
    end
  end
end
