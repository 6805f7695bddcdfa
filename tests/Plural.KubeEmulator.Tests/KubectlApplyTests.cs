using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>kubectl apply, client-side and server-side, with field managers and conflicts; validation stays on.</summary>
public sealed class KubectlApplyTests
{
    private const string Manifests = """
        apiVersion: v1
        kind: Namespace
        metadata:
          name: apps
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          namespace: apps
        data:
          level: info
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
          namespace: apps
        spec:
          replicas: REPLICAS
          selector:
            matchLabels: {app: api}
          template:
            metadata:
              labels: {app: api}
            spec:
              containers:
              - name: api
                image: IMAGE
                ports:
                - containerPort: 8080
        """;

    private static string Manifest(int replicas = 2, string image = "api:1") =>
        Manifests.Replace("REPLICAS", replicas.ToString()).Replace("IMAGE", image);

    [Fact]
    public async Task Kubectl_apply_creates_then_configures_a_multi_document_file()
    {
        await using var cluster = await TestCluster.StartAsync();
        var first = cluster.WriteFile("v1.yaml", Manifest());
        var second = cluster.WriteFile("v2.yaml", Manifest(replicas: 3, image: "api:2"));

        var created = (await cluster.Kubectl.RunAsync("apply", "-f", first)).EnsureSuccess();
        var configured = (await cluster.Kubectl.RunAsync("apply", "-f", second)).EnsureSuccess();

        Assert.Contains("namespace/apps created", created.Stdout);
        Assert.Contains("configmap/settings created", created.Stdout);
        Assert.Contains("deployment.apps/api created", created.Stdout);
        Assert.Contains("configmap/settings unchanged", configured.Stdout);
        Assert.Contains("deployment.apps/api configured", configured.Stdout);
        var image = (await cluster.Kubectl.RunAsync("get", "deployment", "api", "-n", "apps", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].ports[0].containerPort}")).EnsureSuccess();
        Assert.Equal("3 api:2 8080", image.Stdout);
        Assert.DoesNotContain("validate=false", created.Stderr + configured.Stderr);
    }

    [Fact]
    public async Task Kubectl_apply_server_side_reports_conflict_for_second_manager()
    {
        await using var cluster = await TestCluster.StartAsync();
        var mine = cluster.WriteFile("mine.yaml", Manifest(replicas: 2));
        var theirs = cluster.WriteFile("theirs.yaml", Manifest(replicas: 4));

        var applied = (await cluster.Kubectl.RunAsync("apply", "--server-side", "-f", mine)).EnsureSuccess();
        var conflict = await cluster.Kubectl.RunAsync("apply", "--server-side", "--field-manager=other", "-f", theirs);

        Assert.Contains("deployment.apps/api serverside-applied", applied.Stdout);
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1: .spec.replicas", conflict.Stderr);
        var replicas = (await cluster.Kubectl.RunAsync("get", "deployment", "api", "-n", "apps", "-o", "jsonpath={.spec.replicas}")).EnsureSuccess();
        Assert.Equal("2", replicas.Stdout);
    }

    [Fact]
    public async Task Kubectl_apply_server_side_with_force_conflicts_takes_ownership()
    {
        await using var cluster = await TestCluster.StartAsync();
        (await cluster.Kubectl.RunAsync("apply", "--server-side", "-f", cluster.WriteFile("mine.yaml", Manifest(replicas: 2)))).EnsureSuccess();
        var theirs = cluster.WriteFile("theirs.yaml", Manifest(replicas: 4));

        var forced = await cluster.Kubectl.RunAsync("apply", "--server-side", "--field-manager=other", "--force-conflicts", "-f", theirs);
        var again = await cluster.Kubectl.RunAsync("apply", "--server-side", "--field-manager=other", "-f", theirs);

        forced.EnsureSuccess();
        again.EnsureSuccess();
        var state = (await cluster.Kubectl.RunAsync("get", "deployment", "api", "-n", "apps", "-o",
            "jsonpath={.spec.replicas} {.metadata.managedFields[?(@.manager==\"other\")].operation}")).EnsureSuccess();
        Assert.Equal("4 Apply", state.Stdout);
        var original = await cluster.Kubectl.RunAsync("apply", "--server-side", "-f", cluster.WriteFile("mine2.yaml", Manifest(replicas: 2)));
        Assert.Contains("conflict with \"other\"", original.Stderr);
    }

    [Fact]
    public async Task Kubectl_server_dry_run_validates_without_storing()
    {
        await using var cluster = await TestCluster.StartAsync();
        (await cluster.Kubectl.RunAsync("create", "namespace", "apps")).EnsureSuccess();
        var file = cluster.WriteFile("app.yaml", Manifest());

        var dryApply = (await cluster.Kubectl.RunAsync("apply", "--dry-run=server", "-f", file)).EnsureSuccess();
        var dryCreate = (await cluster.Kubectl.RunAsync("create", "configmap", "probe", "--from-literal=a=b", "-n", "apps", "--dry-run=server", "-o", "name")).EnsureSuccess();
        var stored = (await cluster.Kubectl.RunAsync("get", "deployments,configmaps", "-n", "apps", "-o", "name")).EnsureSuccess();

        Assert.Contains("deployment.apps/api created (server dry run)", dryApply.Stdout);
        Assert.Equal("configmap/probe", dryCreate.Stdout.Trim());
        Assert.Equal(["configmap/kube-root-ca.crt"], stored.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Kubectl_apply_accepts_kinds_without_controllers_such_as_ingress_cronjob_and_rbac()
    {
        await using var cluster = await TestCluster.StartAsync();
        var file = cluster.WriteFile("extras.yaml", """
            apiVersion: networking.k8s.io/v1
            kind: Ingress
            metadata: {name: web}
            spec:
              rules:
              - host: shop.example.com
                http:
                  paths:
                  - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
            ---
            apiVersion: batch/v1
            kind: CronJob
            metadata: {name: nightly}
            spec:
              schedule: "0 3 * * *"
              jobTemplate:
                spec:
                  template:
                    spec:
                      restartPolicy: Never
                      containers: [{name: job, image: "job:1"}]
            ---
            apiVersion: v1
            kind: PersistentVolumeClaim
            metadata: {name: data}
            spec:
              accessModes: [ReadWriteOnce]
              resources: {requests: {storage: 1Gi}}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: Role
            metadata: {name: reader}
            rules:
            - {apiGroups: [""], resources: [pods], verbs: [get, list]}
            ---
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRoleBinding
            metadata: {name: readers}
            roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
            subjects:
            - {kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}
            """);

        var applied = (await cluster.Kubectl.RunAsync("apply", "-f", file)).EnsureSuccess();
        var listed = (await cluster.Kubectl.RunAsync("get", "ingress,cronjobs,pvc,roles", "-o", "name")).EnsureSuccess();
        var ingress = (await cluster.Kubectl.RunAsync("get", "ingress", "web")).EnsureSuccess();

        Assert.Contains("clusterrolebinding.rbac.authorization.k8s.io/readers created", applied.Stdout);
        Assert.Equal(
            ["ingress.networking.k8s.io/web", "cronjob.batch/nightly", "persistentvolumeclaim/data", "role.rbac.authorization.k8s.io/reader"],
            listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Matches(@"web\s+<none>\s+shop\.example\.com", ingress.Stdout);
    }

    [Fact]
    public Task Kubectl_apply_removes_list_items_and_labels_dropped_from_the_manifest() => AppliesRemovalsAsync();

    [Fact]
    public Task Kubectl_apply_server_side_removes_list_items_and_labels_dropped_from_the_manifest() => AppliesRemovalsAsync("--server-side");

    private static async Task AppliesRemovalsAsync(params string[] flags)
    {
        await using var cluster = await TestCluster.StartAsync();
        const string template = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: env
              labels: LABELS
            spec:
              selector:
                matchLabels: {app: env}
              template:
                metadata:
                  labels: {app: env}
                spec:
                  containers:
                  - name: main
                    image: main:1
                    env: ENV
                  - name: side
                    image: side:1
            """;
        var before = cluster.WriteFile("before.yaml", template.Replace("LABELS", "{team: a, tier: web}").Replace("ENV", "[{name: A, value: '1'}, {name: B, value: '2'}, {name: C, value: '3'}]"));
        var after = cluster.WriteFile("after.yaml", template.Replace("LABELS", "{team: a}").Replace("ENV", "[{name: C, value: '3'}, {name: A, value: '10'}]"));

        (await cluster.Kubectl.RunAsync(["apply", .. flags, "-f", before])).EnsureSuccess();
        (await cluster.Kubectl.RunAsync(["apply", .. flags, "-f", after])).EnsureSuccess();

        var state = (await cluster.Kubectl.RunAsync("get", "deployment", "env", "-o",
            "jsonpath={.metadata.labels} {.spec.template.spec.containers[0].env[*].name}={.spec.template.spec.containers[0].env[*].value} {.spec.template.spec.containers[*].name}")).EnsureSuccess();
        Assert.Equal("{\"team\":\"a\"} C A=3 10 main side", state.Stdout);
    }
}
