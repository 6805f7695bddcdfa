using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Proxy;

/// <summary>
/// Finds the pod and port a <c>pods/{name}/proxy</c> or <c>services/{name}/proxy</c> request reaches, in the API
/// server's order and with its errors: a service goes through its Endpoints, as the API server's service proxy does
/// (not through a cluster IP, which the API server cannot reach either).
/// </summary>
internal sealed class ProxyTargets(ObjectService objects, ResourceRegistry registry)
{
    public ProxyDestination Resolve(ApiRequest request)
    {
        var kind = request.Kind;
        var target = ProxyTargetName.Parse(request.Name) ?? throw Errors.BadRequest($"invalid {kind.Singular} request \"{request.Name}\"");
        return kind.Plural == BuiltInKinds.Pod.Plural ? ToPod(request.Namespace!, target) : ToService(request.Namespace!, target);
    }

    private ProxyDestination ToPod(string ns, ProxyTargetName target)
    {
        var pod = objects.Get(BuiltInKinds.Pod, ns, target.Name);
        // No port named: the first port of the first container that declares one, as the API server picks it.
        var port = target.Port.Length > 0
            ? target.Port
            : pod.At("spec", "containers").Objects().SelectMany(c => c.At("ports").Objects()).Select(p => p.Long("containerPort")).FirstOrDefault(p => p is not null)?.ToString() ?? "";
        var ip = pod.Str("status", "podIP");
        if (string.IsNullOrEmpty(ip)) throw Errors.BadRequest("address not allowed");
        return new ProxyDestination(pod, ip, port);
    }

    private ProxyDestination ToService(string ns, ProxyTargetName target)
    {
        var portName = target.Port;
        if (long.TryParse(target.Port, out var number))
        {
            // A port number names the service port; its name then picks the endpoint port.
            var service = objects.Get(BuiltInKinds.Service, ns, target.Name);
            var declared = service.At("spec", "ports").Objects().FirstOrDefault(p => p.Long("port") == number)
                ?? throw Errors.ServiceUnavailable($"no service port {number} found for service \"{target.Name}\"");
            portName = declared.Str("name") ?? "";
        }
        var endpoints = objects.Get(registry.Find("", "v1", "endpoints")!, ns, target.Name);
        var subsets = endpoints.At("subsets").Objects().Where(s => s.At("addresses").Objects().Any()).ToList();
        foreach (var subset in subsets)
        {
            foreach (var port in subset.At("ports").Objects().Where(p => (p.Str("name") ?? "") == portName))
            {
                var addresses = subset.At("addresses").Objects().ToList();
                // Like the API server: start at a random address, skip any whose pod is gone or has moved.
                var start = Random.Shared.Next(addresses.Count);
                for (var i = 0; i < addresses.Count; i++)
                {
                    var address = addresses[(start + i) % addresses.Count];
                    var pod = address.Str("targetRef", "name") is { } name ? objects.Find(BuiltInKinds.Pod, ns, name) : null;
                    var ip = address.Str("ip");
                    if (pod is null || ip is null || pod.Str("status", "podIP") != ip) continue;
                    return new ProxyDestination(pod, ip, port.Long("port")?.ToString() ?? "");
                }
            }
        }
        throw Errors.ServiceUnavailable($"no endpoints available for service \"{target.Name}\"");
    }
}
