using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Discovery;

/// <summary>Maps /version, /api, /apis and the group documents; group-version resource lists are served by the resource router.</summary>
internal static class DiscoveryEndpoints
{
    public const string GitVersion = "v1.32.4";

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/version", (HttpContext c) => HttpJson.WriteAsync(c, 200, Version(), c.RequestAborted));
        foreach (var probe in new[] { "/healthz", "/livez", "/readyz" })
        {
            app.MapGet(probe, () => Results.Text("ok"));
        }
        app.MapGet("/api", (HttpContext c, ResourceRegistry registry) => AggregatedDiscovery.IsRequested(c.Request.Headers.Accept.ToString())
            ? WriteAggregatedAsync(c, AggregatedDiscovery.List(registry, core: true))
            : HttpJson.WriteAsync(c, 200, DiscoveryDocuments.CoreVersions(c.Request.Host.Value ?? ""), c.RequestAborted));
        app.MapGet("/apis", (HttpContext c, ResourceRegistry registry) => AggregatedDiscovery.IsRequested(c.Request.Headers.Accept.ToString())
            ? WriteAggregatedAsync(c, AggregatedDiscovery.List(registry, core: false))
            : HttpJson.WriteAsync(c, 200, DiscoveryDocuments.GroupList(registry), c.RequestAborted));
        app.MapGet("/apis/{group}", (HttpContext c, string group, ResourceRegistry registry) =>
        {
            var kinds = registry.All().Where(k => k.Group == group).ToList();
            return kinds.Count == 0
                ? HttpJson.WriteStatusAsync(c, Errors.NoResource(), c.RequestAborted)
                : HttpJson.WriteAsync(c, 200, DiscoveryDocuments.Group(group, kinds), c.RequestAborted);
        });
    }

    private static Task WriteAggregatedAsync(HttpContext c, JsonObject list) =>
        HttpJson.WriteAsync(c, 200, list, c.RequestAborted, AggregatedDiscovery.ContentType);

    /// <summary>The APIResourceList of one group version, or null when nothing is served there.</summary>
    public static JsonObject? ResourceList(ResourceRegistry registry, string group, string version)
    {
        var kinds = registry.All().Where(k => k.Group == group && k.Version == version).ToList();
        return kinds.Count == 0 ? null : DiscoveryDocuments.ResourceList(group.Length == 0 ? version : $"{group}/{version}", kinds);
    }

    private static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = GitVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-01-01T00:00:00Z",
        ["goVersion"] = "go1.23.0",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };
}
