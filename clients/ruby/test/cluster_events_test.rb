# frozen_string_literal: true

require 'test_helper'

class ClusterEventsTest < Minitest::Test
  include PlatformHelpers

  def test_each_cluster_event_resumes_after_dropped_streams_without_repeating_or_losing_events
    stub = FlakyStub.new(real_stub).drop_streams_after(2)
    api = client(stub: stub, backoff: 0.01)

    events = []
    gaps = []
    api.each_cluster_event(connected_agent, on_gap: ->(seen, next_position) { gaps << [seen, next_position] }) do |event|
      events << event
      break if events.size == 6

      # Changes keep coming while the caller is busy: resuming from anywhere but the last position would lose them.
      sleep 1.2 if events.size.even?
    end

    positions = events.map { |e| e[:position] }
    assert_equal (positions.first...positions.first + 6).to_a, positions
    assert_operator stub.calls[:watch_cluster_events], :>=, 3
    assert_empty gaps
    assert(events.all? { |e| e[:agent] == connected_agent && e[:observed_at].is_a?(Time) })
  end

  def test_each_cluster_event_starts_after_the_given_position
    api = client
    first = api.each_cluster_event(connected_agent).first(3)
    resumed = api.each_cluster_event(connected_agent, after: first.first[:position]).first(2)

    assert_equal first.drop(1), resumed
  end

  def test_watching_an_unknown_agent_is_not_found
    assert_raises(Plural::NotFound) { client.each_cluster_event(unique_name('missing'), max_reconnects: 0).first }
  end
end
