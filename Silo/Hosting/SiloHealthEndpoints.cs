using Orleans.Runtime;

namespace Plural.Silo.Hosting;

/// <summary>Probes of a silo-only process: <c>/healthz</c> (process up) and <c>/readyz</c> (an active cluster member).</summary>
internal static class SiloHealthEndpoints
{
    public static void MapSiloHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/healthz", () => Results.Text("ok"));
        endpoints.MapGet("/readyz", (IClusterMembershipService membership, ILocalSiloDetails local) =>
        {
            // Active means the silo joined, listens on its silo and gateway ports, and takes grains.
            var status = membership.CurrentSnapshot.GetSiloStatus(local.SiloAddress);
            return status == SiloStatus.Active
                ? Results.Text("ready")
                : Results.Text($"silo is {status}", statusCode: StatusCodes.Status503ServiceUnavailable);
        });
    }
}
