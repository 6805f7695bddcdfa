using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Auth;
using Plural.KubeEmulator.Discovery;
using Plural.KubeEmulator.Logs;
using Plural.KubeEmulator.Metrics;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Streaming;
using Plural.KubeEmulator.Watch;

namespace Plural.KubeEmulator.Api;

/// <summary>
/// Entry point for everything under /api and /apis: resolves the resource, authorizes the verb and
/// dispatches to the handler. Every failure leaves as a Kubernetes Status; nothing escapes to Kestrel.
/// </summary>
internal sealed partial class ResourceRouter(
    ResourceRegistry registry,
    ReadHandlers reads,
    WriteHandlers writes,
    PatchHandler patches,
    ScaleHandler scales,
    WatchStreamer watches,
    PodLogStreamer logs,
    PodStreamingHandler streaming,
    Proxy.WorkloadProxy proxies,
    AccessReviews accessReviews,
    TokenRequests tokenRequests,
    ResourceMetrics metrics,
    ILogger<ResourceRouter> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        try
        {
            await DispatchAsync(context);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            LogRejected(logger, context.Request.Method, context.Request.Path, e.Code, e.Reason);
            await HttpJson.WriteStatusAsync(context, e, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; there is nobody to answer.
        }
        catch (Exception e) when (e is not ApiException && !context.Response.HasStarted)
        {
            LogUnexpected(logger, e, context.Request.Method, context.Request.Path);
            var status = e is JsonException or FormatException or InvalidOperationException
                ? Errors.BadRequest(e.Message)
                : Errors.Internal(e.Message);
            await HttpJson.WriteStatusAsync(context, status, context.RequestAborted);
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var path = ApiPath.Parse(context.Request.Path.Value ?? "") ?? throw Errors.NoResource();
        var method = context.Request.Method;
        if (path.IsGroupVersionRoot)
        {
            var list = HttpMethods.IsGet(method) ? DiscoveryEndpoints.ResourceList(registry, path.Group, path.Version) : null;
            await HttpJson.WriteAsync(context, 200, list ?? throw Errors.NoResource(), context.RequestAborted);
            return;
        }
        var kind = registry.Find(path.Group, path.Version, path.Resource!) ?? throw Errors.NoResource();
        if (path.Namespace is not null && !kind.Namespaced) throw Errors.NoResource();
        var request = new ApiRequest(context, path, kind, context.Identity());
        var sub = path.Subresource;
        if (sub == ApiPath.Proxy && kind.HasProxy && path.Namespace is not null)
        {
            await proxies.HandleAsync(request);
            return;
        }
        if (sub is not null && !(sub == "status" && kind.HasStatus || sub == "scale" && kind.HasScale || sub == "log" && kind.HasLog || sub == "eviction" && kind.HasEviction || sub == "token" && kind.HasTokenRequest
                || kind.HasStreaming && PodStreamingHandler.Subresources.Contains(sub)))
            throw Errors.NoResource();
        if (sub is not null && kind.HasStreaming && PodStreamingHandler.Subresources.Contains(sub) && path.Namespace is not null)
        {
            await streaming.HandleAsync(request, sub);
            return;
        }
        var verb = Verb(method, path, request);
        if (!kind.Verbs.Contains(verb) && sub is null) throw Errors.MethodNotAllowed(verb, kind.GroupResource);
        if (kind.Namespaced && path.Namespace is null)
        {
            // Namespaced kinds are only listed and watched across namespaces; everything else needs one.
            if (path.Name is not null) throw Errors.NoResource();
            if (verb is not ("list" or "watch")) throw Errors.MethodNotAllowed(verb, kind.GroupResource);
        }

        if (!kind.Stored)
        {
            await (kind.Kind switch
            {
                "SelfSubjectAccessReview" or "SubjectAccessReview" or "LocalSubjectAccessReview" => accessReviews.CreateAsync(request),
                "SelfSubjectRulesReview" => accessReviews.CreateRulesReviewAsync(request),
                "SelfSubjectReview" => SelfSubjectReviews.CreateAsync(request),
                _ => metrics.ServeAsync(request),
            });
            return;
        }
        var task = (verb, sub) switch
        {
            ("watch", _) => watches.StreamAsync(request),
            ("list", _) => reads.ListAsync(request),
            ("get", "scale") => scales.GetAsync(request),
            ("get", "log") => logs.StreamAsync(request),
            ("get", _) => reads.GetAsync(request),
            ("create", null) => writes.CreateAsync(request),
            ("create-named", "eviction") => writes.EvictAsync(request),
            ("create-named", "token") => tokenRequests.CreateAsync(request),
            ("update", "scale") => scales.ReplaceAsync(request),
            ("update", _) => writes.ReplaceAsync(request, sub),
            ("patch", "scale") => scales.PatchAsync(request),
            ("patch", _) => patches.PatchAsync(request, sub),
            ("delete", null) => writes.DeleteAsync(request),
            ("deletecollection", null) => writes.DeleteCollectionAsync(request),
            _ => throw Errors.MethodNotAllowed(verb, kind.GroupResource),
        };
        await task;
    }

    private static string Verb(string method, ApiPath path, ApiRequest request)
    {
        var named = path.Name is not null;
        if (HttpMethods.IsGet(method)) return request.Flag("watch") ? "watch" : named ? "get" : "list";
        if (HttpMethods.IsPost(method)) return named ? "create-named" : "create";
        if (HttpMethods.IsPut(method)) return named ? "update" : "update-collection";
        if (HttpMethods.IsPatch(method)) return named ? "patch" : "patch-collection";
        if (HttpMethods.IsDelete(method)) return named ? "delete" : "deletecollection";
        return method.ToLowerInvariant();
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Method} {Path} answered {Code} {Reason}")]
    private static partial void LogRejected(ILogger logger, string method, string path, int code, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unexpected failure serving {Method} {Path}")]
    private static partial void LogUnexpected(ILogger logger, Exception exception, string method, string path);
}
