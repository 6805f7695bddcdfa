using Plural.Gateway.Listeners;
using Plural.Grains.Fleet;

namespace Plural.Gateway.Operations;

/// <summary><c>/healthz</c> (process up) and <c>/readyz</c> (listening, not draining, and the Orleans cluster answers).</summary>
internal static class HealthEndpoints
{
    private static readonly TimeSpan ReadinessTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Maps both probes on the operations listener.</summary>
    public static void MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"))
            .WithMetadata(ListenerMetadata.Operations(endpoints));
        endpoints.MapGet("/readyz", ReadyAsync)
            .WithMetadata(ListenerMetadata.Operations(endpoints));
    }

    private static async Task<IResult> ReadyAsync(IGrainFactory grains, GatewayDrain drain, IHostApplicationLifetime lifetime, CancellationToken ct)
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
            await grains.GetGrain<IClusterPingGrain>(0).Ping().WaitAsync(ReadinessTimeout, ct);
            return Results.Text("ready");
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            return Results.Text("orleans cluster unreachable: " + ex.GetType().Name, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
