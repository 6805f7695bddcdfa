# frozen_string_literal: true

# Run on its own by RubyGemTests while it restarts the gateway behind PLURAL_API: once this test has seen its first
# events it creates the file PLURAL_RESTART_SIGNAL, and the gateway is killed and started again under it.

require 'test_helper'

class GatewayRestartTest < Minitest::Test
  include PlatformHelpers

  def test_each_cluster_event_resumes_across_a_gateway_restart_without_repeating_or_losing_events
    stub = FlakyStub.new(real_stub)
    api = client(stub: stub, backoff: 0.2, max_backoff: 1)
    events = []
    gaps = []
    after_restart = 0

    api.each_cluster_event(connected_agent, on_gap: ->(seen, next_position) { gaps << [seen, next_position] }) do |event|
      events << event
      File.write(ENV.fetch('PLURAL_RESTART_SIGNAL'), events.last[:position].to_s) if events.size == 3
      after_restart += 1 if stub.calls[:watch_cluster_events] > 1
      break if after_restart == 5
    end

    positions = events.map { |e| e[:position] }
    assert_equal (positions.first...positions.first + positions.size).to_a, positions
    assert_empty gaps
    assert_operator stub.calls[:watch_cluster_events], :>=, 2
  end
end
