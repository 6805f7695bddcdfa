using System.Net.Http;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Upstream;

/// <summary>Maps an exception from the upstream client to the tunnel error the gateway understands.</summary>
internal static class UpstreamFailure
{
    /// <summary>For a failure before the response head was received.</summary>
    public static (TunnelErrorCode Code, string Message) BeforeResponse(Exception exception) => exception switch
    {
        RequestRejectedException rejected => (TunnelErrorCode.Rejected, rejected.Message),
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError or HttpRequestError.ProxyTunnelError } http
            => (TunnelErrorCode.UpstreamUnreachable, $"upstream unreachable: {http.Message}"),
        HttpRequestException { InnerException: TimeoutException } or OperationCanceledException
            => (TunnelErrorCode.UpstreamTimeout, "the upstream did not answer in time"),
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded or HttpRequestError.InvalidResponse or HttpRequestError.HttpProtocolError } http
            => (TunnelErrorCode.UpstreamReset, $"the upstream broke the connection: {http.Message}"),
        // A reset connection before any response (the upstream closed a kept-alive connection, or crashed).
        HttpRequestException { InnerException: IOException } http
            => (TunnelErrorCode.UpstreamReset, $"the upstream broke the connection: {http.Message}"),
        HttpRequestException http => (TunnelErrorCode.Internal, $"upstream request failed: {http.Message}"),
        _ => (TunnelErrorCode.Internal, "the agent failed to forward the request"),
    };
}
