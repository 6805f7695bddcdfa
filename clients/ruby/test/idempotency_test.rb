# frozen_string_literal: true

require 'test_helper'

class IdempotencyTest < Minitest::Test
  include PlatformHelpers

  def test_a_registration_repeated_with_its_request_id_registers_once
    api = client
    name = unique_name('retry')
    request_id = Plural::Client.new_request_id

    first = api.register_agent(name: name, request_id: request_id)
    again = api.register_agent(name: name, request_id: request_id)

    assert_equal first[:token], again[:token]
    assert_equal 1, api.list_agent_tokens(name).size
  ensure
    api.delete_agent(name) if first
  end

  def test_a_registration_whose_answer_was_lost_is_retried_and_registers_once
    stub = FlakyStub.new(real_stub).lose_answers(:register_agent)
    api = client(stub: stub, backoff: 0.01)
    name = unique_name('lost')

    registered = api.register_agent(name: name)

    assert_equal 2, stub.calls[:register_agent]
    agent = api.get_agent(name)
    assert_equal [registered[:token][:token_id]], agent[:tokens].map { |t| t[:token_id] }
    assert_equal [name], api.agents(label_selector: '').map { |a| a[:name] }.select { |n| n == name }
  ensure
    api.delete_agent(name) if registered
  end

  def test_another_registration_under_a_used_request_id_is_refused
    api = client
    request_id = Plural::Client.new_request_id
    name = api.register_agent(name: unique_name('reuse'), request_id: request_id)[:agent][:name]

    error = assert_raises(Plural::InvalidArgument) { api.register_agent(name: unique_name('other'), request_id: request_id) }
    assert_match(/\Arequest_id: /, error.message)
  ensure
    api.delete_agent(name) if name
  end
end
