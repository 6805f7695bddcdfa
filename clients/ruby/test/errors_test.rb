# frozen_string_literal: true

require 'test_helper'

class ErrorsTest < Minitest::Test
  include PlatformHelpers

  def test_an_unknown_agent_is_not_found
    name = unique_name('missing')
    error = assert_raises(Plural::NotFound) { client.get_agent(name) }
    assert_equal %(agent "#{name}" is not registered), error.message
    assert_equal :not_found, error.code
    assert_kind_of GRPC::NotFound, error.cause
  end

  def test_a_bad_name_is_an_invalid_argument_naming_the_field
    error = assert_raises(Plural::InvalidArgument) { client.register_agent(name: 'Not_A_Label') }
    assert_match(/\Aname: /, error.message)
  end

  def test_a_taken_name_already_exists
    api = client
    name = api.register_agent(name: unique_name('taken'))[:agent][:name]
    assert_raises(Plural::AlreadyExists) { api.register_agent(name: name) }
  ensure
    api.delete_agent(name) if name
  end

  def test_a_wrong_secret_is_unauthenticated_until_the_file_holds_the_right_one
    Dir.mktmpdir do |dir|
      secret_file = File.join(dir, 'secret')
      File.write(secret_file, 'not-the-secret-0123456789abcdefgh')
      api = client(jwt_secret_file: secret_file)

      error = assert_raises(Plural::Unauthenticated) { api.list_agents(page_size: 1) }
      assert_equal 'main-application JWT refused: bad signature', error.message

      # The file is read on every call: a rotated secret is used at once.
      FileUtils.cp(ENV.fetch('PLURAL_JWT_SECRET_FILE'), secret_file)
      assert_kind_of Array, api.list_agents(page_size: 1)[:agents]
    end
  end

  def test_a_wrong_audience_is_unauthenticated
    error = assert_raises(Plural::Unauthenticated) { client(audience: 'plural-gateway').list_agents }
    assert_equal 'main-application JWT refused: wrong audience', error.message
  end

  def test_an_unreachable_gateway_is_unavailable_after_the_retries
    port = TCPServer.open('127.0.0.1', 0).then { |s| s.addr[1].tap { s.close } }
    api = Plural::Client.new(api: "127.0.0.1:#{port}", ca_file: ENV['PLURAL_CA_FILE'],
                             jwt_secret_file: ENV.fetch('PLURAL_JWT_SECRET_FILE'), retries: 2, backoff: 0.01)
    assert_raises(Plural::Unavailable) { api.get_agent('dev') }
  end
end
