using System.Collections.Frozen;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.ServerApi;

/// <summary>
/// Turns a cluster that does not answer into <c>Unavailable</c>, which the main application retries: a grain call
/// that reached a lost silo, and a write still running after <see cref="ServerApiOptions.WriteTimeout"/> (it is not
/// cancelled and may still take effect; a create call retried with the same <c>request_id</c> gets its answer).
/// Without it such a call would hang until Orleans gives up and end as <c>Unknown</c>.
/// </summary>
internal sealed class ClusterUnavailableInterceptor(IOptions<ServerApiOptions> options) : Interceptor
{
    // Calls that change state and touch only grains. Reads have their own fallbacks; calls that read Git or ask an
    // agent take as long as that takes.
    private static readonly FrozenSet<string> Writes = FrozenSet.Create(StringComparer.Ordinal,
        "RegisterAgent", "CreateAgentInstall", "DeleteAgent", "CreateAgentToken", "RevokeAgentToken", "IssueUserToken",
        "RevokeUserToken", "SetAgentAccess");

    /// <inheritdoc />
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request,
        ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        var timeout = options.Value.WriteTimeout;
        Task<TResponse>? call = null;
        try
        {
            call = continuation(request, context);
            return Writes.Contains(context.Method[(context.Method.LastIndexOf('/') + 1)..]) ? await call.WaitAsync(timeout) : await call;
        }
        catch (TimeoutException) when (call is { IsCompleted: false })
        {
            // Left running: its outcome is observed so that a later failure is not an unobserved exception.
            _ = call.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
            throw new RpcException(new Status(StatusCode.Unavailable,
                $"the cluster did not finish this call within {timeout.TotalSeconds:0.#} s (a silo was lost and is being replaced); " +
                "it may still take effect: retry (a create call with the same request_id)"));
        }
        catch (Exception ex) when (ex is not RpcException && GrainCallFailure.IsUnavailable(ex) && !context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable,
                "the cluster did not answer (a silo was lost and is being replaced); retry (a create call with the same request_id)"));
        }
    }
}
