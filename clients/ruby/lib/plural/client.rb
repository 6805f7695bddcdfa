# frozen_string_literal: true

require 'grpc'
require 'securerandom'
require 'plural/client/agents'
require 'plural/client/user_access'
require 'plural/client/cluster'
require 'plural/client/cluster_events'
require 'plural/client/configuration'
require 'plural/client/audit'

module Plural
  # The main application's client of ServerApi (docs/server-api.md). One method per RPC, keyword arguments for the
  # request's fields, plain hashes back (see Plural::Convert), Plural::Error subclasses on failure.
  #
  # Every call mints its own short-lived JWT from jwt_secret_file, runs under its own deadline (timeout seconds),
  # and is retried with exponential backoff while the gateway answers Unavailable (and, for calls carrying a
  # request_id, Aborted: the first call with that id is still running). Create calls always send a request_id
  # (a fresh UUID unless given), so a retry gets the first answer instead of registering twice.
  class Client
    include Agents
    include UserAccess
    include Cluster
    include ClusterEvents
    include Configuration
    include Audit

    V1 = Plural::Server::V1

    # api: "host:port" of a gateway's API listener. ca_file: PEM the listener's certificate is checked against;
    # nil for plaintext HTTP/2 (only for a gateway with Gateway:AllowInsecure). retries: further attempts after
    # an Unavailable. stub: a ServerApi stub to use instead of the one built from api (tests wrap the real one).
    def initialize(api:, jwt_secret_file:, ca_file: nil, issuer: 'plural', audience: 'plural-server-api',
                   subject: 'rails-main-app', timeout: 30, token_lifetime: 60, retries: 3, backoff: 0.2,
                   max_backoff: 5, stub: nil)
      @jwt = MainAppJwt.new(secret_file: jwt_secret_file, issuer: issuer, audience: audience, subject: subject,
                            lifetime: token_lifetime)
      @timeout = timeout
      @retries = retries
      @backoff = backoff
      @max_backoff = max_backoff
      credentials = ca_file ? GRPC::Core::ChannelCredentials.new(File.read(ca_file)) : :this_channel_is_insecure
      @stub = stub || V1::ServerApi::Stub.new(api, credentials)
    end

    # A fresh idempotency key, for callers that keep one per logical operation across their own retries.
    def self.new_request_id
      SecureRandom.uuid
    end

    private

    # One unary call with a fresh token and deadline per attempt.
    def call(rpc, request, timeout: @timeout)
      attempt = 0
      begin
        attempt += 1
        @stub.public_send(rpc, request, metadata: metadata, deadline: Time.now + timeout)
      rescue GRPC::BadStatus => e
        error = Errors.from(e)
        if attempt <= @retries && retryable?(error, request)
          sleep(backoff(attempt))
          retry
        end
        raise error
      end
    end

    def retryable?(error, request)
      return true if error.is_a?(Unavailable)

      error.is_a?(Aborted) && request.respond_to?(:request_id) && !request.request_id.empty?
    end

    def backoff(attempt)
      delay = [@backoff * (2**(attempt - 1)), @max_backoff].min
      delay * (0.5 + (rand / 2))
    end

    def metadata
      { 'authorization' => "Bearer #{@jwt.mint}" }
    end
  end
end
