using System.Text;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using Plural.Gateway.Tunnels;
using Plural.Grains.Agents;
using Plural.Protocol.Agent;

namespace Plural.Gateway.ClusterViews;

/// <summary>
/// Asks one agent's informer cache through a tunnel (local, or through the peer gateway holding the agent). The
/// agent answers from memory; its API server never sees the query.
/// </summary>
internal sealed class ClusterQueryClient(AgentRequestClient agents, TimeProvider clock)
{
    /// <summary>The agent-side path of cached queries.</summary>
    public const string QueryPath = "/cache/query";

    /// <summary>Runs <paramref name="query"/> on <paramref name="agentName"/>'s cache within <paramref name="timeout"/>.</summary>
    /// <exception cref="ClusterQueryException">The agent is unknown, away, slow, or refused the query.</exception>
    public async Task<CacheQueryResult> QueryAsync(string agentName, CacheQuery query, TimeSpan timeout, CancellationToken ct)
    {
        if (!AgentName.IsValid(agentName))
        {
            throw new ClusterQueryException(StatusCode.InvalidArgument, $"name: {AgentName.Requirement}");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
        deadline.CancelAfter(timeout);
        var started = clock.GetTimestamp();
        AgentReply reply;
        try
        {
            reply = await agents.SendAsync(agentName, new AgentCall("POST", QueryPath, "", query.ToByteArray()), deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !ct.IsCancellationRequested)
        {
            throw new ClusterQueryException(StatusCode.DeadlineExceeded,
                $"agent \"{agentName}\" did not answer within {clock.GetElapsedTime(started).TotalSeconds:0.###} s");
        }
        catch (AgentUnavailableException unavailable)
        {
            throw new ClusterQueryException(unavailable.Reason.HttpStatus switch
            {
                StatusCodes.Status404NotFound => StatusCode.NotFound,
                StatusCodes.Status504GatewayTimeout => StatusCode.DeadlineExceeded,
                _ => StatusCode.Unavailable,
            }, unavailable.Reason.Message);
        }

        if (reply.Status == StatusCodes.Status200OK)
        {
            try
            {
                return CacheQueryResult.Parser.ParseFrom(reply.Body.Span);
            }
            catch (InvalidProtocolBufferException)
            {
                throw new ClusterQueryException(StatusCode.Internal, $"agent \"{agentName}\" sent an answer that is not a cache query result");
            }
        }

        var reason = Reason(reply);
        throw new ClusterQueryException(reply.Status switch
        {
            StatusCodes.Status400BadRequest => StatusCode.InvalidArgument,
            // The agent serves no cached queries, or does not cache this kind: its configuration decides.
            StatusCodes.Status404NotFound or StatusCodes.Status405MethodNotAllowed => StatusCode.FailedPrecondition,
            StatusCodes.Status503ServiceUnavailable => StatusCode.Unavailable,
            StatusCodes.Status504GatewayTimeout => StatusCode.DeadlineExceeded,
            _ => StatusCode.Unavailable,
        }, reply.Status == StatusCodes.Status400BadRequest ? reason : $"agent \"{agentName}\": {reason}");
    }

    private static string Reason(AgentReply reply)
    {
        var text = Encoding.UTF8.GetString(reply.Body.Span[..Math.Min(reply.Body.Length, 4096)]).Trim();
        // A peer gateway answers in Kubernetes Status JSON; the agent itself in plain text.
        if (reply.ContentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                using var status = JsonDocument.Parse(text);
                if (status.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } said)
                {
                    text = said;
                }
            }
            catch (JsonException)
            {
                // Not a Status after all; the raw text is the best reason there is.
            }
        }

        return text.Length > 0 ? text : $"HTTP {reply.Status}";
    }
}
