# frozen_string_literal: true

class ApplicationController < ActionController::Base
  # The platform's answers become the pages a user should see, not stack traces.
  rescue_from Plural::NotFound, with: :not_found
  rescue_from Plural::Unavailable, Plural::DeadlineExceeded, with: :platform_unavailable

  helper_method :plural_settings

  private

  def plural
    Rails.configuration.x.plural.client
  end

  def plural_settings
    Rails.configuration.x.plural.settings
  end

  def not_found(error)
    render 'errors/show', status: :not_found, locals: { title: 'Not found', error: error }
  end

  def platform_unavailable(error)
    render 'errors/show', status: :service_unavailable, locals: { title: 'The platform cannot be reached', error: error }
  end
end
