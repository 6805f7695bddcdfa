# frozen_string_literal: true

# The registration form: what a user types, checked before it is sent. The platform checks the name again and
# answers InvalidArgument or AlreadyExists, which the form shows as they come.
class AgentRegistration
  include ActiveModel::Model

  # An RFC 1123 label, as the platform requires for agent names.
  NAME = /\A[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\z/.freeze
  LABEL = /\A[^=]+=[^=]*\z/.freeze

  attr_accessor :name, :description, :labels

  validates :name, format: { with: NAME, message: 'must be lower-case letters, digits and "-", at most 63 characters' }
  validate :labels_are_pairs

  # The keyword arguments of Plural::Client#register_agent.
  def to_request
    { name: name, description: description.to_s, labels: label_pairs.to_h { |pair| pair.split('=', 2).map(&:strip) } }
  end

  private

  # Labels are typed as "env=prod, team=payments".
  def label_pairs
    labels.to_s.split(',').map(&:strip).reject(&:empty?)
  end

  def labels_are_pairs
    errors.add(:labels, 'must be key=value pairs separated by commas') unless label_pairs.all? { |pair| pair.match?(LABEL) }
  end
end
