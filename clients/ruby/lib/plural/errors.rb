# frozen_string_literal: true

require 'grpc'

module Plural
  # Every error the client raises. #message is the server's detail (for InvalidArgument it starts with the field at
  # fault: "name: ..."); #code is the gRPC status code's name as a symbol (:not_found); #cause is the GRPC::BadStatus.
  class Error < StandardError
    attr_reader :code

    def initialize(message = nil, code: nil)
      super(message)
      @code = code
    end
  end

  class Cancelled < Error; end
  class Unknown < Error; end
  class InvalidArgument < Error; end
  class DeadlineExceeded < Error; end
  class NotFound < Error; end
  class AlreadyExists < Error; end
  class PermissionDenied < Error; end
  class ResourceExhausted < Error; end
  class FailedPrecondition < Error; end
  class Aborted < Error; end
  class OutOfRange < Error; end
  class Unimplemented < Error; end
  class Internal < Error; end
  class Unavailable < Error; end
  class DataLoss < Error; end
  class Unauthenticated < Error; end

  # Maps gRPC statuses to the typed errors above.
  module Errors
    BY_CODE = {
      GRPC::Core::StatusCodes::CANCELLED => [Cancelled, :cancelled],
      GRPC::Core::StatusCodes::UNKNOWN => [Unknown, :unknown],
      GRPC::Core::StatusCodes::INVALID_ARGUMENT => [InvalidArgument, :invalid_argument],
      GRPC::Core::StatusCodes::DEADLINE_EXCEEDED => [DeadlineExceeded, :deadline_exceeded],
      GRPC::Core::StatusCodes::NOT_FOUND => [NotFound, :not_found],
      GRPC::Core::StatusCodes::ALREADY_EXISTS => [AlreadyExists, :already_exists],
      GRPC::Core::StatusCodes::PERMISSION_DENIED => [PermissionDenied, :permission_denied],
      GRPC::Core::StatusCodes::RESOURCE_EXHAUSTED => [ResourceExhausted, :resource_exhausted],
      GRPC::Core::StatusCodes::FAILED_PRECONDITION => [FailedPrecondition, :failed_precondition],
      GRPC::Core::StatusCodes::ABORTED => [Aborted, :aborted],
      GRPC::Core::StatusCodes::OUT_OF_RANGE => [OutOfRange, :out_of_range],
      GRPC::Core::StatusCodes::UNIMPLEMENTED => [Unimplemented, :unimplemented],
      GRPC::Core::StatusCodes::INTERNAL => [Internal, :internal],
      GRPC::Core::StatusCodes::UNAVAILABLE => [Unavailable, :unavailable],
      GRPC::Core::StatusCodes::DATA_LOSS => [DataLoss, :data_loss],
      GRPC::Core::StatusCodes::UNAUTHENTICATED => [Unauthenticated, :unauthenticated],
    }.freeze

    # The typed error for a gRPC status; raise it inside the rescue so that #cause keeps the original.
    def self.from(status)
      type, code = BY_CODE.fetch(status.code, [Unknown, :unknown])
      type.new(status.details.to_s.empty? ? code.to_s : status.details, code: code)
    end
  end
end
