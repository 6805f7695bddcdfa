using System.Reflection;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Dashboard;

/// <summary>
/// <c>/dashboard/</c>: the dashboard's static files, embedded in the gateway. The page holds no data and needs no
/// credential; what it shows comes over <c>/cable</c> and <see cref="DashboardApiEndpoints"/> with the token the user
/// gives it.
/// </summary>
internal static class DashboardEndpoint
{
    /// <summary>The route prefix.</summary>
    public const string Route = "/dashboard";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        ["index.html"] = "text/html; charset=utf-8",
        ["style.css"] = "text/css; charset=utf-8",
        ["app.js"] = "text/javascript; charset=utf-8",
        ["cable.js"] = "text/javascript; charset=utf-8",
        ["dom.js"] = "text/javascript; charset=utf-8",
        ["fleet.js"] = "text/javascript; charset=utf-8",
        ["agent.js"] = "text/javascript; charset=utf-8",
    };

    /// <summary>Maps the dashboard's files and its JSON reads on the HTTP listener.</summary>
    public static WebApplication MapDashboard(this WebApplication app)
    {
        var files = ContentTypes.Keys.ToDictionary(name => name, Load, StringComparer.Ordinal);
        app.MapGet(Route + "/{file?}", (HttpContext context, string? file) =>
        {
            if (string.IsNullOrEmpty(file) && !context.Request.Path.Value!.EndsWith('/'))
            {
                // The page loads its script and style relative to itself, so it must be seen as a folder.
                return Results.Redirect(Route + "/" + context.Request.QueryString);
            }

            var name = string.IsNullOrEmpty(file) ? "index.html" : file;
            if (!files.TryGetValue(name, out var bytes))
            {
                return Results.NotFound();
            }

            // The page only ever talks to its own gateway; the token it holds must not leak to other origins.
            context.Response.Headers.ContentSecurityPolicy = "default-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.Headers.CacheControl = "no-cache";
            return Results.Bytes(bytes, ContentTypes[name]);
        }).WithMetadata(new ListenerMetadata(ListenerKind.Http));
        app.MapDashboardApi();
        return app;
    }

    private static byte[] Load(string name)
    {
        var resource = $"{typeof(DashboardEndpoint).Namespace}.{name}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"The dashboard file {resource} is not embedded in the gateway.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
