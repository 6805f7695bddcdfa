# frozen_string_literal: true

require 'plural/server/platform_version'
require 'plural/server/v1/server_api_services_pb'
require 'plural/errors'
require 'plural/main_app_jwt'
require 'plural/convert'
require 'plural/client'

# Ruby client for the Plural agent platform's ServerApi; start with Plural::Client.
module Plural
end
