using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Proxy;

/// <summary>Where a proxied request goes: a pod, its IP and the port as the URL or the endpoints named it (possibly empty).</summary>
internal sealed record ProxyDestination(JsonObject Pod, string PodIp, string Port)
{
    /// <summary>What the API server would dial, as its errors show it (<c>10.244.1.5:9090</c>).</summary>
    public string DialAddress => Port.Length == 0 ? PodIp : $"{PodIp}:{Port}";
}
