using System.Net;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Proxy;

/// <summary>
/// What serves a pod's port in the emulator. A pod annotated <c>backend.kube-emulator.plural.sh/{port}: {url}</c>
/// (usually through its Deployment's template) is served by the HTTP server at that loopback URL; any other port is
/// served by the emulator's hello answer, as port-forward's connections are.
/// </summary>
internal static class PodBackends
{
    /// <summary>The annotation prefix; the name part is the container port, e.g. <c>backend.kube-emulator.plural.sh/9090</c>.</summary>
    public const string AnnotationPrefix = "backend.kube-emulator.plural.sh/";

    /// <summary>The loopback base URL serving <paramref name="port"/> of <paramref name="pod"/>, or null for the hello answer.</summary>
    /// <exception cref="ApiException">The annotation names something the emulator will not dial.</exception>
    public static Uri? Find(JsonObject pod, string port)
    {
        if (pod.At("metadata", "annotations") is not JsonObject annotations || annotations[AnnotationPrefix + port] is not JsonValue value) return null;
        var text = value.ToString();
        // Only loopback: anyone who may create pods could otherwise make the emulator's process call any host.
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || !IsLoopback(url))
            throw Errors.Unknown($"error trying to reach service: {AnnotationPrefix}{port} of pod {pod.Name()} is \"{text}\", not an http(s) URL on a loopback address");
        return url;
    }

    private static bool IsLoopback(Uri url) =>
        url.IsLoopback && (url.HostNameType != UriHostNameType.Dns || url.Host == "localhost") || IPAddress.TryParse(url.Host, out var ip) && IPAddress.IsLoopback(ip);
}
