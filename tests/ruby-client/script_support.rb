# frozen_string_literal: true

# What every script here starts with: the stubs generated from Protocol/ (PLURAL_STUBS), and one JSON line per step
# on standard output for the .NET test that runs the script.

require 'json'

$LOAD_PATH.unshift(ENV.fetch('PLURAL_STUBS'))
require 'plural/server/v1/server_api_services_pb'

V1 = Plural::Server::V1
STDOUT.sync = true

def say(step, **fields)
  puts JSON.generate({ step: step }.merge(fields))
end
