# frozen_string_literal: true

Rails.application.configure do
  config.cache_classes = true
  config.eager_load = false
  config.consider_all_requests_local = true
  config.action_controller.perform_caching = false
  # Errors reach the test as the pages a user would get (rescue_from), not as exceptions.
  config.action_dispatch.show_exceptions = true
  config.action_controller.allow_forgery_protection = false
  config.active_support.deprecation = :stderr
end
