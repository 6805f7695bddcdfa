using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>
/// Keeps an Endpoints object and an EndpointSlice per selector-based Service, listing its ready
/// pods (what <c>kubectl describe service</c> shows as Endpoints).
/// </summary>
internal sealed class ServiceEndpointsController(ObjectService objects, ResourceRegistry registry) : IReconciler
{
    private const string ServiceNameLabel = "kubernetes.io/service-name";

    public void Reconcile()
    {
        var endpoints = registry.Find("", "v1", "endpoints")!;
        var slices = registry.Find("discovery.k8s.io", "v1", "endpointslices")!;
        foreach (var service in objects.List(BuiltInKinds.Service).Where(s => !s.IsTerminating() && s.At("spec", "selector") is JsonObject { Count: > 0 }))
        {
            var selector = JsonTree.StringMap(service.At("spec", "selector"));
            var ready = objects.List(BuiltInKinds.Pod, service.Namespace())
                .Where(p => PodFactory.IsReady(p) && p.Str("status", "podIP") is not null && selector.All(kv => p.Labels().TryGetValue(kv.Key, out var v) && v == kv.Value))
                .OrderBy(p => p.Name(), StringComparer.Ordinal)
                .ToList();
            var ports = service.At("spec", "ports").Objects().Select(p => (Name: p.Str("name"), Port: TargetPort(p, ready.FirstOrDefault()), Protocol: p.Str("protocol") ?? "TCP")).ToList();
            Ensure(endpoints, service, service.Name(), EndpointsBody(ready, ports));
            Ensure(slices, service, $"{service.Name()}-{Ownership.StableHash(JsonValue.Create(service.Uid()))[..5]}", SliceBody(ready, ports));
        }
    }

    private void Ensure(ResourceKind kind, JsonObject service, string name, JsonObject desired)
    {
        var metadata = desired.Metadata();
        metadata["name"] = name;
        metadata["labels"] = new JsonObject { [ServiceNameLabel] = service.Name(), ["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io" };
        metadata["ownerReferences"] = Ownership.ControllerReference(service);
        var current = objects.Find(kind, service.Namespace(), name);
        if (current is null)
        {
            objects.Create(kind, service.Namespace(), desired, null);
            return;
        }
        objects.Change(kind, service.Namespace(), name, c =>
        {
            var next = desired.CloneObject();
            next["metadata"] = c["metadata"]!.DeepClone();
            next.Metadata()["labels"] = metadata["labels"]!.DeepClone();
            return next;
        }, null, null);
    }

    private static JsonObject EndpointsBody(List<JsonObject> ready, List<(string? Name, long Port, string Protocol)> ports)
    {
        var body = new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Endpoints", ["metadata"] = new JsonObject() };
        if (ready.Count > 0)
        {
            body["subsets"] = new JsonArray(new JsonObject
            {
                ["addresses"] = new JsonArray(ready.Select(p => (JsonNode)new JsonObject { ["ip"] = p.Str("status", "podIP"), ["nodeName"] = p.Str("spec", "nodeName"), ["targetRef"] = PodReference(p) }).ToArray()),
                ["ports"] = Ports(ports),
            });
        }
        return body;
    }

    private static JsonObject SliceBody(List<JsonObject> ready, List<(string? Name, long Port, string Protocol)> ports) => new()
    {
        ["apiVersion"] = "discovery.k8s.io/v1",
        ["kind"] = "EndpointSlice",
        ["metadata"] = new JsonObject(),
        ["addressType"] = "IPv4",
        ["endpoints"] = new JsonArray(ready.Select(p => (JsonNode)new JsonObject
        {
            ["addresses"] = new JsonArray(p.Str("status", "podIP")),
            ["conditions"] = new JsonObject { ["ready"] = true, ["serving"] = true, ["terminating"] = false },
            ["nodeName"] = p.Str("spec", "nodeName"),
            ["targetRef"] = PodReference(p),
        }).ToArray()),
        ["ports"] = Ports(ports),
    };

    private static JsonArray Ports(List<(string? Name, long Port, string Protocol)> ports) =>
        new(ports.Select(p => (JsonNode)new JsonObject { ["name"] = p.Name ?? "", ["port"] = p.Port, ["protocol"] = p.Protocol }).ToArray());

    private static JsonObject PodReference(JsonObject pod) => new()
    {
        ["kind"] = "Pod",
        ["namespace"] = pod.Namespace(),
        ["name"] = pod.Name(),
        ["uid"] = pod.Uid(),
    };

    /// <summary>A numeric targetPort as is; a named one resolved against a backing pod's container ports.</summary>
    private static long TargetPort(JsonObject servicePort, JsonObject? pod)
    {
        if (servicePort.Long("targetPort") is { } number) return number;
        var name = servicePort.Str("targetPort");
        var named = pod?.At("spec", "containers").Objects().SelectMany(c => c.At("ports").Objects()).FirstOrDefault(p => p.Str("name") == name);
        return named?.Long("containerPort") ?? servicePort.Long("port") ?? 0;
    }
}
