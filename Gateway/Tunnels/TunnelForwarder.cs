using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Plural.Gateway.Errors;
using Plural.Gateway.Hosting;
using Plural.Grains.Agents;

namespace Plural.Gateway.Tunnels;

/// <summary>
/// Sends an HTTP request to an agent's upstream through one of the agent's tunnels on this gateway.
/// The common case (an idle tunnel is parked here) costs no grain call at all.
/// </summary>
public sealed partial class TunnelForwarder(
    TunnelRegistry registry,
    PeerGatewayForwarder peers,
    IGrainFactory grains,
    IOptions<TunnelOptions> options,
    ILogger<TunnelForwarder> logger)
{
    /// <summary>Forwards the current request to <paramref name="path"/> on agent <paramref name="agentName"/>'s upstream.</summary>
    public async Task ForwardAsync(HttpContext context, string agentName, string path)
    {
        var settings = options.Value;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = settings.MaxRequestBodyBytes;
        }

        var tunnel = registry.TryTake(agentName);
        if (tunnel is null)
        {
            // Slow path: one grain call tells whether the agent exists and where else it is connected.
            var agent = grains.GetGrain<IAgentGrain>(agentName);
            var snapshot = await agent.Get();
            if (snapshot is null)
            {
                await KubernetesStatus.AgentNotFound(context.Response, agentName, context.RequestAborted);
                return;
            }

            if (!PeerGatewayForwarder.IsForwarded(context.Request) && peers.PickPeer(snapshot.Status.Leases) is { } peer)
            {
                await peers.ForwardAsync(context, agentName, path, peer);
                return;
            }

            tunnel = await WaitForTunnelAsync(context, agent, agentName, settings.WaitTimeout);
            if (tunnel is null)
            {
                return;
            }
        }

        LogForwarding(logger, context.Request.Method, agentName, context.TraceIdentifier);
        await new TunnelExchange(context, tunnel, settings.ChunkSize, logger).RunAsync(path);
    }

    private async Task<AgentTunnel?> WaitForTunnelAsync(HttpContext context, IAgentGrain agent, string agentName, TimeSpan timeout)
    {
        var ct = context.RequestAborted;
        var tunnel = await registry.AcquireAsync(agentName, timeout, ct);
        if (tunnel is not null)
        {
            return tunnel;
        }

        var status = (await agent.Get())?.Status;
        if (status is { Connected: true })
        {
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status504GatewayTimeout, "Timeout",
                $"agent \"{agentName}\" is connected but no tunnel became free within {timeout.TotalSeconds:0.#}s", ct);
        }
        else
        {
            var since = status?.Since is { } at ? $" since {at:u}" : "";
            await KubernetesStatus.WriteAsync(context.Response, StatusCodes.Status503ServiceUnavailable, "ServiceUnavailable",
                $"agent \"{agentName}\" is not connected{since}", ct);
        }

        return null;
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Debug, Message = "Forwarding {Method} to agent {AgentName} as request {RequestId}")]
    private static partial void LogForwarding(ILogger logger, string method, string agentName, string requestId);
}
