using Plural.KubeEmulator;
using Plural.Topology.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Deploy;

public sealed class DeployManifestTests(ITestOutputHelper output)
{
    private static readonly string DeployDirectory = Path.Combine(RepositoryLayout.Root, "deploy");

    [Theory]
    [InlineData("server")]
    [InlineData("agentk")]
    public async Task Kustomization_renders_and_a_kubernetes_api_server_accepts_every_object(string kustomization)
    {
        await using var emulator = await KubeEmulatorServer.StartAsync(new KubeEmulatorOptions { Empty = true });
        var kubeconfig = Path.Combine(Directory.CreateTempSubdirectory("plural-deploy-").FullName, "kubeconfig");
        await emulator.WriteKubeconfigAsync(kubeconfig);
        var kubectl = ExternalTool.Find("kubectl") ?? throw new InvalidOperationException("kubectl is not installed; test.sh installs it.");
        var rendered = Path.Combine(Path.GetDirectoryName(kubeconfig)!, "rendered.yaml");

        await File.WriteAllTextAsync(rendered, await ExternalTool.RunAsync(kubectl, ["kustomize", Path.Combine(DeployDirectory, kustomization)]));
        // A dry run creates nothing, so the namespace the objects go to must exist first, as an operator's would.
        await ExternalTool.RunAsync(kubectl, ["--kubeconfig", kubeconfig, "apply", "-f", Path.Combine(DeployDirectory, kustomization, "namespace.yaml")]);
        var applied = await ExternalTool.RunAsync(kubectl, ["--kubeconfig", kubeconfig, "apply", "--dry-run=server", "-f", rendered]);

        output.WriteLine(applied);
        var objects = (await File.ReadAllTextAsync(rendered)).Split("\n---\n").Length;
        Assert.Equal(objects, applied.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith("(server dry run)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Server_manifests_run_replicated_probed_non_root_pods_with_disruption_budgets()
    {
        var objects = await RenderAsync("server");
        string Object(string kind, string name) => Single(objects, kind, name);

        var silo = Object("Deployment", "plural-silo");
        var gateway = Object("Deployment", "plural-gateway");
        Assert.Contains("replicas: 3", silo);
        Assert.Contains("replicas: 2", gateway);
        foreach (var deployment in new[] { silo, gateway })
        {
            Assert.Contains("runAsNonRoot: true", deployment);
            Assert.Contains("readinessProbe:", deployment);
            Assert.Contains("path: /readyz", deployment);
            Assert.Contains("livenessProbe:", deployment);
            Assert.Contains("name: plural-postgres", deployment);
            Assert.Contains("value: Postgres", deployment);
        }

        Assert.Contains("orleans/serviceId: plural", silo);
        Assert.Contains("name: Orleans__KubernetesHosting", silo);
        Assert.Contains("secretName: plural-gateway-tls", gateway);
        Assert.Contains("value: https://0.0.0.0:8150", gateway);
        // Every new silo pod of every release migrates first; the step is idempotent, so it needs no Job to re-create.
        Assert.Contains("initContainers:\n      - args:\n        - migrate", silo);
        Assert.DoesNotContain(objects, o => o.Contains("kind: Job", StringComparison.Ordinal));
        // The connection string is the operator's secret: an apply must never overwrite it with a placeholder.
        Assert.DoesNotContain(objects, o => o.Contains("kind: Secret", StringComparison.Ordinal));
        Assert.Contains("name: Gateway__ServerApi__JwtSecretFiles__0\n          value: /secrets/main-app/jwt-secret", gateway);
        Assert.Contains("name: Gateway__Access__JwtSecretFiles__0\n          value: /secrets/main-app/jwt-secret", gateway);
        Assert.Contains("secretName: plural-main-app-jwt", gateway);
        Assert.Contains("ingressClassName: nginx", Object("Ingress", "plural-gateway"));
        Assert.Contains("maxUnavailable: 1", Object("PodDisruptionBudget", "plural-silo"));
        Assert.Contains("maxUnavailable: 1", Object("PodDisruptionBudget", "plural-gateway"));
        Assert.Contains("- delete", Object("Role", "plural-silo"));
    }

    [Fact]
    public async Task Probes_metrics_and_admin_calls_are_served_on_the_operations_port_which_the_ingress_never_routes()
    {
        var objects = await RenderAsync("server");
        string Object(string kind, string name) => Single(objects, kind, name);

        var gateway = Object("Deployment", "plural-gateway");
        Assert.Contains("name: Gateway__OperationsListenUrl\n          value: https://0.0.0.0:8155", gateway);
        Assert.Contains("prometheus.io/port: \"8155\"", gateway);
        Assert.Contains("prometheus.io/scheme: https", gateway);
        Assert.DoesNotContain("port: http\n", gateway[gateway.IndexOf("startupProbe:", StringComparison.Ordinal)..]);
        // The Ingress reaches the pods only through this Service, and the Service only through the public port.
        Assert.Contains("name: plural-gateway", Object("Ingress", "plural-gateway"));
        var service = Object("Service", "plural-gateway");
        Assert.Contains("targetPort: http", service);
        Assert.DoesNotContain("operations", service);
        Assert.DoesNotContain("8155", service);
    }

    [Fact]
    public async Task Silos_and_gateways_speak_mutual_tls_with_the_cluster_certificate_which_they_reread_when_renewed()
    {
        var objects = await RenderAsync("server");

        foreach (var name in new[] { "plural-silo", "plural-gateway" })
        {
            var deployment = Single(objects, "Deployment", name);
            Assert.Contains("name: Orleans__Tls__CertificateFile\n          value: /cluster-tls/tls.crt", deployment);
            Assert.Contains("name: Orleans__Tls__KeyFile\n          value: /cluster-tls/tls.key", deployment);
            Assert.Contains("name: Orleans__Tls__CaFile\n          value: /cluster-tls/ca.crt", deployment);
            Assert.Contains("secretName: plural-cluster-tls", deployment);
            // A subPath mount would never see the renewed files.
            Assert.Contains("mountPath: /cluster-tls\n", deployment);
            Assert.DoesNotContain("Orleans__Tls__Enabled", deployment);
        }

        var certificates = await RenderAsync(Path.Combine("server", "cluster-tls"));
        var certificate = Single(certificates, "Certificate", "plural-cluster-tls");
        Assert.Contains("secretName: plural-cluster-tls", certificate);
        Assert.Contains("- server auth", certificate);
        Assert.Contains("- client auth", certificate);
        Assert.Contains("name: plural-cluster-ca", certificate);
        Assert.Contains("isCA: true", Single(certificates, "Certificate", "plural-cluster-ca"));
    }

    [Fact]
    public async Task Network_policies_admit_only_silos_and_gateways_to_the_orleans_ports_and_only_api_clients_to_server_api()
    {
        var objects = await RenderAsync("server");
        var silo = Single(objects, "Deployment", "plural-silo");
        var gateway = Single(objects, "Deployment", "plural-gateway");
        Assert.Contains("- containerPort: 11111\n          name: silo", silo);
        Assert.Contains("- containerPort: 30000\n          name: orleans-gateway", silo);
        Assert.Contains("- containerPort: 8153\n          name: api", gateway);

        var siloPolicy = Single(objects, "NetworkPolicy", "plural-silo");
        Assert.Contains("podSelector:\n    matchLabels:\n      app.kubernetes.io/name: plural-silo\n  policyTypes:\n  - Ingress", siloPolicy);
        Assert.Contains("""
              - from:
                - podSelector:
                    matchLabels:
                      app.kubernetes.io/name: plural-silo
                ports:
                - port: silo
            """.Replace("\r", ""), siloPolicy);
        Assert.Contains("""
              - from:
                - podSelector:
                    matchLabels:
                      app.kubernetes.io/name: plural-gateway
                ports:
                - port: orleans-gateway
            """.Replace("\r", ""), siloPolicy);
        // The only rule without a source opens the probe and metrics port, nothing else.
        Assert.Contains("  - ports:\n    - port: http\n", siloPolicy);
        Assert.Equal(3, siloPolicy.Split("- port: ").Length - 1);

        var gatewayPolicy = Single(objects, "NetworkPolicy", "plural-gateway");
        Assert.Contains("""
              - from:
                - namespaceSelector: {}
                  podSelector:
                    matchLabels:
                      plural.sh/server-api-client: "true"
                ports:
                - port: api
            """.Replace("\r", ""), gatewayPolicy);
        Assert.Contains("  - ports:\n    - port: agents\n    - port: http\n    - port: operations\n", gatewayPolicy);
    }

    /// <summary>The objects <c>kubectl kustomize</c> renders from one folder of <c>deploy/</c>.</summary>
    private static async Task<string[]> RenderAsync(string overlay) =>
        (await ExternalTool.RunAsync(ExternalTool.Find("kubectl")!, ["kustomize", Path.Combine(DeployDirectory, overlay)])).Split("\n---\n");

    // The object's own name is the one indented once (under metadata), not an issuerRef's or a selector's.
    private static string Single(IEnumerable<string> objects, string kind, string name) =>
        objects.Single(o => ("\n" + o).Contains($"\nkind: {kind}\n", StringComparison.Ordinal) && ("\n" + o).Contains($"\n  name: {name}\n", StringComparison.Ordinal));

    [Fact]
    public async Task Agent_manifests_grant_read_and_impersonation_cluster_wide_and_writes_only_in_the_agents_namespace()
    {
        var yaml = await ExternalTool.RunAsync(ExternalTool.Find("kubectl")!, ["kustomize", Path.Combine(DeployDirectory, "agentk")]);
        var objects = yaml.Split("\n---\n");
        bool Is(string o, string kind) => ("\n" + o).Contains($"\nkind: {kind}\n", StringComparison.Ordinal);

        // Cluster-wide the agent reads and impersonates; what a GitOps project writes, it writes as its own service account.
        var clusterRole = objects.Single(o => Is(o, "ClusterRole"));
        Assert.Contains("- impersonate", clusterRole);
        foreach (var verb in new[] { "create", "update", "patch", "delete", "deletecollection", "\"*\"" })
        {
            Assert.DoesNotContain("- " + verb + "\n", clusterRole);
        }

        // Writes as itself only in its own namespace, and there only its GitOps inventory ConfigMaps.
        Assert.All(objects.Where(o => Is(o, "Role") || Is(o, "RoleBinding")), o => Assert.Contains("\n  namespace: plural-agent\n", o));
        var inventory = Single(objects, "Role", "plural-agentk-inventory");
        Assert.Contains("resources:\n  - configmaps\n  verbs:\n  - get\n  - create\n  - patch\n  - update\n  - delete\n", inventory + "\n");
        Assert.Contains("name: plural-agentk-inventory\nsubjects:\n- kind: ServiceAccount\n  name: agentk\n  namespace: plural-agent",
            Single(objects, "RoleBinding", "plural-agentk-inventory"));

        Assert.Contains("serviceAccountName: agentk", yaml);
        Assert.Contains("secretName: agentk-token", yaml);
        Assert.Contains("kind: PodDisruptionBudget", yaml);
    }

    [Theory]
    [InlineData("silo")]
    [InlineData("gateway")]
    [InlineData("agentk")]
    public async Task Dockerfile_is_lint_free_and_runs_as_a_non_root_user_on_a_small_pinned_base(string image)
    {
        var dockerfile = Path.Combine(DeployDirectory, "docker", "Dockerfile." + image);
        var linter = ExternalTool.Find("dockerfilelint") ?? throw new InvalidOperationException("dockerfilelint is not installed; test.sh installs it (npm).");

        var lint = await ExternalTool.RunAsync(linter, [dockerfile]);

        Assert.Contains("Issues: None found", lint);
        var lines = (await File.ReadAllLinesAsync(dockerfile)).Where(l => !l.TrimStart().StartsWith('#')).ToList();
        var finalStage = lines.Skip(lines.FindLastIndex(l => l.StartsWith("FROM ", StringComparison.Ordinal))).ToList();
        Assert.Contains("chiseled", finalStage[0]);
        var bases = lines.Where(l => l.StartsWith("FROM ", StringComparison.Ordinal))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).First(word => !word.StartsWith("--", StringComparison.Ordinal)))
            .ToList();
        Assert.All(bases, b => Assert.True(b.Contains(':') && !b.EndsWith(":latest", StringComparison.Ordinal), $"base image {b} is not pinned to a tag"));
        // Multi-architecture: the build stage runs on the builder's platform and publishes for the target's.
        Assert.StartsWith("FROM --platform=$BUILDPLATFORM ", lines.First(l => l.StartsWith("FROM ", StringComparison.Ordinal)));
        Assert.Contains(lines, l => l.StartsWith("RUN dotnet publish ", StringComparison.Ordinal) && l.Contains("-a \"$TARGETARCH\"", StringComparison.Ordinal));
        var user = finalStage.Last(l => l.StartsWith("USER ", StringComparison.Ordinal))[5..].Trim();
        Assert.NotEqual("root", user);
        Assert.NotEqual("0", user);
        Assert.True(File.Exists(dockerfile + ".dockerignore"), "no .dockerignore next to the Dockerfile");
    }
}
