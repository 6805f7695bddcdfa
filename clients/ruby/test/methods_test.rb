# frozen_string_literal: true

require 'test_helper'

# Every other ServerApi method once, on the connected agent.
class MethodsTest < Minitest::Test
  include PlatformHelpers

  def test_user_tokens_are_issued_read_and_revoked
    api = client
    issued = api.issue_user_token(user: 'alice', groups: ['dev'], agents: [connected_agent], ttl: 600)
    assert_match(/\Aplrl_user_/, issued[:token])
    assert_includes issued[:kubeconfig], connected_agent

    token = api.get_user_token(issued[:info][:token_id])
    assert_equal 'alice', token[:user]
    assert_nil token[:revoked_at]

    api.revoke_user_token(token[:token_id])
    assert_kind_of Time, api.get_user_token(token[:token_id])[:revoked_at]
  end

  def test_agent_access_is_set_and_read
    api = client
    name = api.register_agent(name: unique_name('access'))[:agent][:name]
    assert_equal :impersonate_user, api.get_agent_access(name)[:mode]

    set = api.set_agent_access(name, mode: :fixed_identity, fixed_user: 'viewer', fixed_groups: ['viewers'])
    assert_equal({ name: name, mode: :fixed_identity, fixed_user: 'viewer', fixed_groups: ['viewers'] }, set)
    assert_equal set, api.get_agent_access(name)
  ensure
    api.delete_agent(name) if name
  end

  def test_the_connected_agent_is_seen_viewed_and_queried
    api = client
    assert api.get_agent(connected_agent)[:status][:connected]

    view = api.get_cluster_view(connected_agent)
    refute view[:offline]
    assert_operator view[:view][:node_count], :>, 0
    assert_includes api.each_cluster_view(page_size: 1).map { |v| v[:name] }, connected_agent
    assert_kind_of Array, api.list_cluster_views(page_size: 1)[:views]

    pods = api.query_cluster(connected_agent, kind: 'pods', namespace: 'shop', label_selector: 'app=web')
    assert_operator pods[:count], :>, 0
    assert(pods[:items].all? { |pod| pod[:name].start_with?('web-') })

    fleet = api.query_fleet(kind: 'pods', namespace: 'shop', count_only: true, agent_selector: 'suite=rubygem')
    assert_equal [connected_agent], fleet[:results].map { |r| r[:name] }
  end

  def test_configuration_sync_and_audit_are_read
    api = client
    name = api.register_agent(name: unique_name('config'))[:agent][:name]
    repository = 'file:///nonexistent/config.git'

    config = api.set_agent_config_source(name, repository: repository, ref: 'main')
    assert_equal repository, config[:repository]
    assert_equal repository, api.get_agent_config(name)[:repository]
    assert_equal name, api.get_sync_status(name)[:name]
    assert_kind_of Array, api.notify_git_push(repository)
    assert_kind_of Array, api.list_audit_events(connected_agent, limit: 5)
    assert_kind_of Array, api.each_audit_event(connected_agent, verb: 'get', since: Time.now - 3600, page_size: 2).first(3)
  ensure
    api.delete_agent(name) if name
  end
end
