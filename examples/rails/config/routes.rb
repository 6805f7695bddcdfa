# frozen_string_literal: true

Rails.application.routes.draw do
  root to: redirect('/agents')
  # Agents are registered and read, never edited here: the platform has no update call.
  resources :agents, only: %i[index show new create]
end
