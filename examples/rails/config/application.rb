# frozen_string_literal: true

require_relative 'boot'

# Only what the pages need: no database (the platform holds every agent), no mail, no jobs, no storage.
require 'rails'
require 'active_model/railtie'
require 'action_controller/railtie'
require 'action_view/railtie'
require 'sprockets/railtie'
# For its JavaScript client only (the `action_cable` asset): the pages subscribe to the gateway's /cable.
require 'action_cable/engine'
require 'rails/test_unit/railtie'

Bundler.require(*Rails.groups)

module PluralExample
  class Application < Rails::Application
    config.load_defaults 6.1

    # This app serves no ActionCable server of its own; mounting one at /cable would only confuse.
    config.action_cable.mount_path = nil

    # The cable tokens handed to pages are cached per viewer and agent (see CableToken); one process is enough
    # for an example, a real deployment would use a shared store (Redis, Memcached).
    config.cache_store = :memory_store
  end
end
