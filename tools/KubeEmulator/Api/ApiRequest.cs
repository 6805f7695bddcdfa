using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Auth;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Api;

/// <summary>One resource request, resolved against the registry and authenticated.</summary>
internal sealed record ApiRequest(HttpContext Http, ApiPath Path, ResourceKind Kind, RequestIdentity Identity)
{
    public CancellationToken Aborted => Http.RequestAborted;

    public string? Namespace => Kind.Namespaced ? Path.Namespace : null;

    public string Name => Path.Name ?? "";

    public string? Query(string name) => Http.Request.Query.TryGetValue(name, out var v) && v.Count > 0 ? v[0] : null;

    public bool Flag(string name) => Query(name) is "1" or "true" or "True";

    /// <summary><c>dryRun=All</c>: validate and compute the result without storing it.</summary>
    public bool DryRun => Query("dryRun") switch
    {
        null or "" => false,
        "All" => true,
        var other => throw Errors.Invalid("CreateOptions", "meta.k8s.io", "", [FieldError.InvalidValue("dryRun", other, "supported values: \"All\"")]),
    };

    public bool WantsTable => Tables.TableRenderer.IsRequested(Http.Request.Headers.Accept.ToString());

    /// <summary>The field manager of a write: <c>fieldManager</c>, else the user agent's product name, like the real server.</summary>
    public string FieldManager
    {
        get
        {
            if (Query("fieldManager") is { Length: > 0 } m) return m;
            var agent = Http.Request.Headers.UserAgent.ToString();
            var product = agent.Split('/')[0].Trim();
            return product.Length == 0 ? "unknown" : product;
        }
    }

    /// <summary>Returns the object as seen through the requested version (stored objects keep the version they were written with).</summary>
    public JsonObject Present(JsonObject stored)
    {
        if (stored.Str("apiVersion") == Kind.ApiVersion) return stored;
        var copy = stored.CloneObject();
        copy["apiVersion"] = Kind.ApiVersion;
        return copy;
    }

    public Task RespondAsync(int code, JsonObject body) => HttpJson.WriteAsync(Http, code, body, Aborted);

    public Task RespondObjectAsync(int code, JsonObject stored) =>
        WantsTable ? RespondAsync(code, Tables.TableRenderer.Render(Kind, [Present(stored)], null, Query("includeObject"))) : RespondAsync(code, Present(stored));
}
