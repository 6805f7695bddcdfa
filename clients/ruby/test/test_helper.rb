# frozen_string_literal: true

# The suite runs against a real platform; the end-to-end test (tests/Plural.EndToEnd.Tests/RubyGem) starts one and
# passes it in:
#   PLURAL_API               host:port of a gateway's ServerApi listener
#   PLURAL_CA_FILE           PEM CA of the listener (unset: plaintext HTTP/2)
#   PLURAL_JWT_SECRET_FILE   the main application's shared secret
#   PLURAL_CONNECTED_AGENT   a registered agent that is connected and whose cluster keeps changing

require 'socket'
require 'fileutils'
require 'securerandom'
require 'tmpdir'
require 'minitest/autorun'
require 'plural'

module PlatformHelpers
  def client(**options)
    Plural::Client.new(api: ENV.fetch('PLURAL_API'), ca_file: ENV['PLURAL_CA_FILE'],
                       jwt_secret_file: ENV.fetch('PLURAL_JWT_SECRET_FILE'), timeout: 30, **options)
  end

  def unique_name(prefix)
    "#{prefix}-#{SecureRandom.hex(4)}"
  end

  def connected_agent
    ENV.fetch('PLURAL_CONNECTED_AGENT')
  end

  # The real stub that client(...) would build, for wrapping in a FlakyStub.
  def real_stub
    credentials = ENV['PLURAL_CA_FILE'] ? GRPC::Core::ChannelCredentials.new(File.read(ENV['PLURAL_CA_FILE'])) : :this_channel_is_insecure
    Plural::Server::V1::ServerApi::Stub.new(ENV.fetch('PLURAL_API'), credentials)
  end
end

# A ServerApi stub that loses connections on purpose, as a network or a restarting gateway would.
class FlakyStub
  attr_reader :calls

  def initialize(stub)
    @stub = stub
    @calls = Hash.new(0)
    @lose_answers = Hash.new(0)
    @drop_streams_after = nil
  end

  # The next `times` calls of rpc reach the server, and then their answers are lost (the client sees Unavailable).
  def lose_answers(rpc, times: 1)
    @lose_answers[rpc] += times
    self
  end

  # Every watch stream is cut by the client side after `events` events.
  def drop_streams_after(events)
    @drop_streams_after = events
    self
  end

  def method_missing(rpc, request, **options)
    @calls[rpc] += 1
    answer = @stub.public_send(rpc, request, **options)
    if @lose_answers[rpc].positive?
      @lose_answers[rpc] -= 1
      raise GRPC::Unavailable, 'answer lost in transit (test)'
    end
    answer
  end

  def respond_to_missing?(name, include_private = false)
    @stub.respond_to?(name, include_private)
  end

  def watch_cluster_events(request, **options)
    @calls[:watch_cluster_events] += 1
    op = @stub.watch_cluster_events(request, **options)
    @drop_streams_after ? DroppingOperation.new(op, @drop_streams_after) : op
  end

  # Yields `limit` events of the real stream, then cancels it and fails as a dropped connection does.
  class DroppingOperation
    def initialize(op, limit)
      @op = op
      @limit = limit
    end

    def execute
      Enumerator.new do |events|
        count = 0
        @op.execute.each do |event|
          events << event
          count += 1
          next unless count == @limit

          @op.cancel
          raise GRPC::Unavailable, 'stream dropped (test)'
        end
      end
    end

    def cancel
      @op.cancel
    end
  end
end
