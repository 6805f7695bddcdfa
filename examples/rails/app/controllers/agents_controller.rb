# frozen_string_literal: true

# The platform's agents as the main application shows them: a list with their connection state, one agent's
# cluster view with its live events, and registration, which shows the new agent's token exactly once.
class AgentsController < ApplicationController
  # These pages carry credentials (the page's cable token, a new agent's token): no cache may keep them.
  before_action :no_store, only: %i[show create]

  def index
    @agents = plural.agents.to_a
  end

  def show
    @agent = plural.get_agent(params[:id])
    @cluster = plural.get_cluster_view(@agent[:name])
    @cable = { url: plural_settings[:cable_url], token: cable_token(@agent[:name]), agent: @agent[:name] }
  end

  def new
    @agent = AgentRegistration.new
  end

  def create
    @agent = AgentRegistration.new(registration_params)
    return render(:new, status: :unprocessable_entity) unless @agent.valid?

    # Rendered, never redirected: the token must not pass through the session or a URL, and is never shown again.
    @registered = plural.register_agent(**@agent.to_request)
    render :created, status: :created
  rescue Plural::InvalidArgument, Plural::AlreadyExists => e
    @agent.errors.add(:base, e.message)
    render :new, status: :unprocessable_entity
  end

  private

  def no_store
    response.headers['Cache-Control'] = 'no-store'
  end

  def registration_params
    params.require(:agent_registration).permit(:name, :description, :labels)
  end

  def cable_token(agent)
    CableToken.new(plural, viewer: plural_settings[:viewer], ttl: plural_settings[:cable_token_ttl].to_i).for(agent)
  end
end
