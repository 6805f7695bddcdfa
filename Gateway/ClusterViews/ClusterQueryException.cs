using Grpc.Core;

namespace Plural.Gateway.ClusterViews;

/// <summary>A cached query that could not be answered, with the gRPC status a caller gets for it.</summary>
internal sealed class ClusterQueryException(StatusCode code, string message) : Exception(message)
{
    /// <summary>The status code: NotFound, InvalidArgument, FailedPrecondition, Unavailable, DeadlineExceeded...</summary>
    public StatusCode Code { get; } = code;
}
