using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Hosting;

/// <summary>
/// The first middleware: classifies each request the way the API server's request metrics do and
/// counts it before anything else can reject it.
/// </summary>
internal static class RequestCounting
{
    public static Func<HttpContext, RequestDelegate, Task> Middleware(ApiRequestCounter counter) => (context, next) =>
    {
        counter.Record(Classify(context.Request));
        return next(context);
    };

    public static ApiRequestKey Classify(HttpRequest request)
    {
        var rawPath = request.Path.Value ?? "/";
        var path = ApiPath.Parse(rawPath);
        var method = request.Method.ToLowerInvariant();
        if (path is null || path.IsGroupVersionRoot) return new ApiRequestKey(method, rawPath);
        var resource = path.Group.Length == 0 ? path.Resource! : $"{path.Resource}.{path.Group}";
        if (path.Subresource is not null) resource += "/" + path.Subresource;
        var named = path.Name is not null;
        var verb = method switch
        {
            "get" when IsWatch(request) => "watch",
            "get" => named ? "get" : "list",
            "post" => "create",
            "put" => "update",
            "patch" => "patch",
            "delete" => named ? "delete" : "deletecollection",
            _ => method,
        };
        return new ApiRequestKey(verb, resource);
    }

    private static bool IsWatch(HttpRequest request) =>
        request.Query.TryGetValue("watch", out var v) && v.Count > 0 && v[0] is "1" or "true" or "True";
}
