# frozen_string_literal: true

require 'test_helper'

class AgentsTest < Minitest::Test
  include PlatformHelpers

  def test_an_agent_registers_reads_lists_and_deletes
    api = client
    name = unique_name('gem')
    registered = api.register_agent(name: name, labels: { suite: 'gem' }, description: 'from the gem')

    assert_equal name, registered[:agent][:name]
    assert_match(/\Atok_/, registered[:token][:token_id])
    assert_match(/\Aplrl_agent_/, registered[:token][:token])
    assert_nil registered[:token][:expires_at]

    agent = api.get_agent(name)
    assert_equal({ 'suite' => 'gem' }, agent[:labels])
    assert_equal 'from the gem', agent[:description]
    assert_kind_of Time, agent[:created_at]
    refute agent[:status][:connected]
    assert_equal [registered[:token][:token_id]], agent[:tokens].map { |t| t[:token_id] }

    assert_includes api.agents(label_selector: 'suite=gem').map { |a| a[:name] }, name

    assert_nil api.delete_agent(name)
    assert_raises(Plural::NotFound) { api.get_agent(name) }
  end

  def test_paging_helpers_walk_every_page
    api = client
    suite = unique_name('paging')
    names = Array.new(5) { |i| api.register_agent(name: "#{suite}-#{i}", labels: { suite: suite })[:agent][:name] }

    first = api.list_agents(page_size: 2, label_selector: "suite=#{suite}")
    assert_equal names.first(2), first[:agents].map { |a| a[:name] }
    refute_empty first[:next_page_token]

    assert_equal names, api.each_agent(label_selector: "suite=#{suite}", page_size: 2).map { |a| a[:name] }
    seen = []
    api.agents(label_selector: "suite=#{suite}", page_size: 2).each { |a| seen << a[:name] }
    assert_equal names, seen
  ensure
    names&.each { |n| api.delete_agent(n) }
  end

  def test_agent_tokens_are_created_listed_and_revoked
    api = client
    name = api.register_agent(name: unique_name('tokens'))[:agent][:name]

    token = api.create_agent_token(name, description: 'second', ttl: 3600)
    assert_match(/\Aplrl_agent_/, token[:token])
    assert_in_delta Time.now + 3600, token[:expires_at], 60

    api.revoke_agent_token(name, token[:token_id])
    tokens = api.list_agent_tokens(name)
    assert_equal 2, tokens.size
    assert_kind_of Time, tokens.find { |t| t[:token_id] == token[:token_id] }[:revoked_at]
  ensure
    api.delete_agent(name) if name
  end
end
