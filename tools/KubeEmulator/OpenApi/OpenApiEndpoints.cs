using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.OpenApi;

/// <summary>
/// /openapi/v3 (root and per group version) for kubectl's field-validation detection, and /openapi/v2 as
/// an empty protobuf document: kubectl falls back to it and only needs it to parse.
/// </summary>
internal static class OpenApiEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/openapi/v3", (HttpContext c, ResourceRegistry registry) => HttpJson.WriteAsync(c, 200, OpenApiV3Documents.Root(registry), c.RequestAborted));
        app.MapGet("/openapi/v3/{**groupVersion}", (HttpContext c, string groupVersion, ResourceRegistry registry) =>
        {
            var kinds = registry.All().Where(k => OpenApiV3Documents.RelativePath(k) == groupVersion.Trim('/')).ToList();
            return kinds.Count == 0
                ? HttpJson.WriteStatusAsync(c, Errors.NoResource(), c.RequestAborted)
                : HttpJson.WriteAsync(c, 200, OpenApiV3Documents.ForGroupVersion(kinds), c.RequestAborted);
        });
        app.MapGet("/openapi/v2", async (HttpContext c) =>
        {
            // A protobuf openapi_v2.Document holding only swagger: "2.0" (field 1) — valid and empty.
            c.Response.ContentType = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
            await c.Response.Body.WriteAsync(new byte[] { 0x0A, 0x03, (byte)'2', (byte)'.', (byte)'0' }, c.RequestAborted);
        });
    }
}
