# frozen_string_literal: true

Rails.application.configure do
  config.cache_classes = false
  config.eager_load = false
  config.consider_all_requests_local = true
  config.action_controller.perform_caching = false
  config.assets.debug = true
  config.assets.quiet = true
  config.active_support.deprecation = :log
end
