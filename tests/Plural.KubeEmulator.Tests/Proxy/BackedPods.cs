using Plural.KubeEmulator.Tests.Support;
using Plural.Testing;
using Plural.Testing.Servers;

namespace Plural.KubeEmulator.Tests.Proxy;

/// <summary>Pods and a service in namespace <c>apps</c> whose port 8080 is served by an <see cref="InClusterHttpServer"/>.</summary>
internal static class BackedPods
{
    public const string Namespace = "apps";

    /// <summary>Creates Deployment and Service <paramref name="name"/> (port 8080, named <c>http</c>) backed by <paramref name="server"/>'s URL, and waits for the endpoint.</summary>
    public static async Task CreateAsync(TestCluster cluster, string name, Uri backend)
    {
        var manifest = cluster.WriteFile($"{name}.yaml", $$$"""
            apiVersion: v1
            kind: Namespace
            metadata: {name: {{{Namespace}}}}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: {{{name}}}, namespace: {{{Namespace}}}}
            spec:
              replicas: 1
              selector: {matchLabels: {app: {{{name}}}}}
              template:
                metadata:
                  labels: {app: {{{name}}}}
                  annotations: {"{{{InClusterHttpServer.BackendAnnotation}}}8080": "{{{backend.ToString().TrimEnd('/')}}}"}
                spec:
                  containers:
                  - {name: app, image: example/app:1, ports: [{name: http, containerPort: 8080}]}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: {{{name}}}, namespace: {{{Namespace}}}}
            spec:
              selector: {app: {{{name}}}}
              ports: [{name: http, port: 8080, targetPort: http}]
            """);
        (await cluster.Kubectl.RunAsync("apply", "-f", manifest)).EnsureSuccess();
        using var http = cluster.Http();
        await Eventually.GetAsync(async () =>
        {
            using var response = await http.GetAsync($"/api/v1/namespaces/{Namespace}/endpoints/{name}");
            var body = await response.Content.ReadAsStringAsync();
            return body.Contains("\"addresses\"", StringComparison.Ordinal) ? body : null;
        }, TimeSpan.FromSeconds(30), $"an endpoint for {Namespace}/{name}");
    }
}
