using Plural.Gateway.Listeners;
using Plural.Grains.Fleet;

namespace Plural.Gateway.Operations;

/// <summary>
/// <c>/healthz</c> (process up) and <c>/readyz</c> (listening, not draining, and the Orleans cluster answered within
/// the last <see cref="UnreachableGrace"/>). A gateway serves the agents connected to it without the cluster, and a
/// silo's death stalls calls on every gateway at the same moment: turning unready at the first failed ping would take
/// every gateway out of its load balancer together, which is worse than the loss it reports.
/// </summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(2);

    // Longer than a dead silo takes to be declared dead at the default probe settings (ProbeTimeout 5 s, 3 missed probes).
    private static readonly TimeSpan UnreachableGrace = TimeSpan.FromSeconds(20);

    /// <summary>Maps both probes on the operations listener.</summary>
    public static void MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"))
            .WithMetadata(ListenerMetadata.Operations(endpoints));
        endpoints.MapGet("/readyz", ReadyAsync)
            .WithMetadata(ListenerMetadata.Operations(endpoints));
    }

    private static async Task<IResult> ReadyAsync(
        IGrainFactory grains, GatewayDrain drain, ClusterReachability reachability, IHostApplicationLifetime lifetime, TimeProvider clock,
        CancellationToken ct)
    {
        if (drain.IsDraining)
        {
            return Results.Text("draining", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        if (!lifetime.ApplicationStarted.IsCancellationRequested)
        {
            return Results.Text("not listening yet", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        try
        {
            // A stateless worker answers on the silo the call reaches: losing any one silo does not make every gateway unready.
            await grains.GetGrain<IClusterPingGrain>(0).Ping().WaitAsync(ReadinessTimeout, clock, ct);
            reachability.Answered();
            return Results.Text("ready");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return reachability.SinceLastAnswer is { } since && since < UnreachableGrace
                ? Results.Text($"ready (the orleans cluster answered {since.TotalSeconds:0.0} s ago)")
                : Results.Text("orleans cluster unreachable: " + ex.GetType().Name, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
