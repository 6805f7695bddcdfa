# frozen_string_literal: true

require 'test_helper'
require 'securerandom'

# The pages against a running platform, reached through config/plural.yml and the PLURAL_* variables, with a
# connected agent named by PLURAL_CONNECTED_AGENT (by default `dev`, the agent of `dotnet run --project Silo -- dev`).
# Nothing is stubbed: what a page shows is what the platform answered.
class AgentsTest < ActionDispatch::IntegrationTest
  AGENT = ENV.fetch('PLURAL_CONNECTED_AGENT', 'dev')

  test 'the agents page lists the connected agent as connected' do
    get agents_path

    assert_response :success
    assert_select "#agents tr[data-agent='#{AGENT}']" do
      assert_select 'td a', text: AGENT
      assert_select 'td.state', text: 'connected'
    end
  end

  test "an agent's page shows its cluster and hands the page a cable token for that agent" do
    get agent_path(AGENT)

    assert_response :success
    assert_select 'h1', text: "#{AGENT} connected"
    assert_select '#cluster-view .nodes', text: %r{\d+/\d+ nodes ready}
    assert_select "#cluster-events[data-agent='#{AGENT}'][data-cable-token^='plrl_user_']"
    secret_file = File.expand_path(Rails.configuration.x.plural.settings[:jwt_secret_file], Rails.root)
    assert_not_includes response.body, File.read(secret_file).strip
    assert_equal 'no-store', response.headers['Cache-Control']
  end

  test 'an unknown agent is a not-found page' do
    get agent_path("missing-#{SecureRandom.hex(4)}")

    assert_response :not_found
    assert_select 'h1', text: 'Not found'
    assert_select '.error', text: /not registered/
  end

  test 'registering an agent shows its token and install command once' do
    name = "rails-#{SecureRandom.hex(4)}"

    post agents_path, params: { agent_registration: { name: name, description: 'from the Rails example', labels: 'suite=rails' } }

    assert_response :created
    assert_select 'h1', text: "#{name} is registered"
    assert_select '#install-command', text: /--from-literal=token=plrl_agent_\S+/
    assert_equal 'no-store', response.headers['Cache-Control']
    get agents_path
    assert_select "#agents tr[data-agent='#{name}'][data-connected='false'] td", text: 'suite=rails'
  ensure
    forget(name)
  end

  test 'a malformed name is refused on the form before reaching the platform' do
    post agents_path, params: { agent_registration: { name: 'Not_A_Label' } }

    assert_response :unprocessable_entity
    assert_select '.errors li', text: /Name must be lower-case letters/
  end

  test 'labels that are not key=value pairs are refused on the form' do
    post agents_path, params: { agent_registration: { name: "rails-#{SecureRandom.hex(4)}", labels: 'env=prod, oops' } }

    assert_response :unprocessable_entity
    assert_select '.errors li', text: /Labels must be key=value pairs/
  end

  test "a taken name is refused with the platform's reason" do
    post agents_path, params: { agent_registration: { name: AGENT } }

    assert_response :unprocessable_entity
    assert_select '.errors li', text: /already registered/
  end

  private

  # Leaves the shared platform as the test found it, whether or not the registration got through.
  def forget(name)
    Rails.configuration.x.plural.client.delete_agent(name)
  rescue Plural::NotFound
    nil
  end
end
