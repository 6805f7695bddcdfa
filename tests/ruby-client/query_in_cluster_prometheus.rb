#!/usr/bin/env ruby
# frozen_string_literal: true

# The main application's dashboard reading the Prometheus inside a cluster: it mints a JWT for the signed-in user
# with the gem's Plural::MainAppJwt and asks the cluster's API server, through the agent's tunnel, to proxy a
# Prometheus query to the in-cluster service, as Kubernetes' services/proxy subresource does. Plain Net::HTTP, no
# Kubernetes client: the route is HTTP end to end, so Prometheus' own JSON (or the API server's Status) comes back.
#
# Environment:
#   PLURAL_HTTP             https://host:port of the gateway's HTTP listener
#   PLURAL_CA_FILE          PEM CA the listener's certificate is checked against
#   PLURAL_JWT_SECRET_FILE  file holding the secret shared with the gateway (Gateway:Access:JwtSecretFiles)
#   PLURAL_AGENT_NAME       the agent in front of the cluster
#   PLURAL_USERS            comma-separated users to query as, in order
#   PLURAL_QUERY            the PromQL query
#
# Prints one JSON object per line: {"step":"answer","user":...,"code":...,"body":...} per user, then {"step":"done"};
# exits 1 after printing {"step":"error",...} on any failure.

require 'json'
require 'net/http'
require 'openssl'
require 'uri'

require_relative '../../clients/ruby/lib/plural/main_app_jwt'

STDOUT.sync = true

def say(step, **fields)
  puts JSON.generate({ step: step }.merge(fields))
end

jwt = Plural::MainAppJwt.new(secret_file: ENV.fetch('PLURAL_JWT_SECRET_FILE'), issuer: 'plural', audience: 'plural-gateway',
                             subject: 'rails-main-app', lifetime: 300)
agent = ENV.fetch('PLURAL_AGENT_NAME')
base = URI(ENV.fetch('PLURAL_HTTP'))
query = URI.encode_www_form(query: ENV.fetch('PLURAL_QUERY'))
path = "/k8s-proxy/#{agent}/api/v1/namespaces/monitoring/services/prometheus:9090/proxy/api/v1/query?#{query}"

begin
  Net::HTTP.start(base.host, base.port, use_ssl: true, ca_file: ENV.fetch('PLURAL_CA_FILE'),
                                        verify_mode: OpenSSL::SSL::VERIFY_PEER, read_timeout: 30) do |http|
    ENV.fetch('PLURAL_USERS').split(',').each do |user|
      request = Net::HTTP::Get.new(path)
      request['Authorization'] = "Bearer #{jwt.mint_for_user(user: user, agents: [agent])}"
      response = http.request(request)
      say('answer', user: user, code: response.code.to_i, content_type: response['Content-Type'],
                    body: JSON.parse(response.body))
    end
  end
  say('done')
rescue StandardError => e
  say('error', message: "#{e.class}: #{e.message}")
  exit 1
end
