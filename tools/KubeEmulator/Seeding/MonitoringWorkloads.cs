using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Proxy;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Seeding;

/// <summary>
/// <c>monitoring/prometheus</c>: a Deployment whose pod's port 9090 is backed by the emulator's Prometheus server
/// (<see cref="PodBackends"/>), and its Service, as a Prometheus installed in a cluster looks.
/// </summary>
internal static class MonitoringWorkloads
{
    public const string Namespace = "monitoring", Name = "prometheus";
    public const int Port = 9090;

    public static void Seed(ObjectService objects, ResourceRegistry registry, Uri prometheus)
    {
        var yaml = $$$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{{Namespace}}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: {{{Name}}}, namespace: {{{Namespace}}}, labels: {app.kubernetes.io/name: prometheus}}
            spec:
              replicas: 1
              selector: {matchLabels: {app.kubernetes.io/name: prometheus}}
              template:
                metadata:
                  labels: {app.kubernetes.io/name: prometheus}
                  annotations: {"{{{PodBackends.AnnotationPrefix}}}{{{Port}}}": "{{{prometheus.GetLeftPart(UriPartial.Authority)}}}"}
                spec:
                  containers:
                  - name: prometheus
                    image: quay.io/prometheus/prometheus:v3.1.0
                    ports: [{name: web, containerPort: {{{Port}}}}]
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: {{{Name}}}, namespace: {{{Namespace}}}, labels: {app.kubernetes.io/name: prometheus}}
            spec:
              selector: {app.kubernetes.io/name: prometheus}
              ports: [{name: web, port: {{{Port}}}, targetPort: web}]
            """;
        foreach (var document in YamlJson.ParseAll(yaml).OfType<JsonObject>())
        {
            var kind = registry.FindByKind(document.Str("apiVersion") ?? "", document.Str("kind") ?? "")!;
            objects.Create(kind, kind.Namespaced ? document.Namespace() : null, document, null);
        }
    }
}
