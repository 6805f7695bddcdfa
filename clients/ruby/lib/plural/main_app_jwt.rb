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
      issued_at = now.to_i
      header = encode(JSON.generate(alg: 'HS256', typ: 'JWT'))
      payload = encode(JSON.generate(iss: @issuer, aud: @audience, sub: @subject, iat: issued_at,
                                     exp: issued_at + @lifetime))
      signature = encode(OpenSSL::HMAC.digest('SHA256', secret, "#{header}.#{payload}"))
      "#{header}.#{payload}.#{signature}"
    end

    private

    # The gateway trims surrounding whitespace from its copy of the file; so must we.
    def secret
      File.read(@secret_file, encoding: 'UTF-8').strip
    end

    def encode(bytes)
      Base64.urlsafe_encode64(bytes, padding: false)
    end
  end
end
