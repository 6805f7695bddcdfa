# frozen_string_literal: true

# One Plural::Client for the whole app: it holds one gRPC channel to the gateway and is safe to share between
# Puma's threads. Building it opens no connection, so the app boots while the platform is away.
Rails.application.configure do
  settings = config_for(:plural)
  path = ->(key) { settings[key].presence && File.expand_path(settings[key], Rails.root) }

  config.x.plural.settings = settings
  config.x.plural.client = Plural::Client.new(
    api: settings.fetch(:api),
    ca_file: path.call(:ca_file),
    jwt_secret_file: path.call(:jwt_secret_file),
    issuer: settings.fetch(:issuer),
    audience: settings.fetch(:audience),
    subject: 'rails-example'
  )
end
