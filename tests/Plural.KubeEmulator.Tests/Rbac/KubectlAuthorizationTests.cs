using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests.Rbac;

/// <summary>RBAC enforced on real kubectl: what a user bound to <c>view</c> in one namespace may and may not do, word for word as a real API server refuses.</summary>
public sealed class KubectlAuthorizationTests
{
    [Fact]
    public async Task A_user_bound_to_view_in_one_namespace_reads_there_and_gets_the_api_servers_403_for_writes_and_elsewhere()
    {
        await using var cluster = await RbacUsers.StartAsync();
        await cluster.BindJaneToViewAsync("demo");
        var jane = await cluster.JaneAsync();
        var pod = (await cluster.Kubectl.RunAsync("get", "pods", "-n", "demo", "-o", "jsonpath={.items[0].metadata.name}")).EnsureSuccess().Stdout.Trim();

        var list = await jane.RunAsync("get", "pods", "-n", "demo", "-o", "name");
        var get = await jane.RunAsync("get", "deployment", "web", "-n", "demo");
        var logs = await jane.RunAsync("logs", pod, "-n", "demo", "--tail=1");
        var delete = await jane.RunAsync("delete", "pod", pod, "-n", "demo");
        var elsewhere = await jane.RunAsync("get", "pods", "-n", "shop");
        var secrets = await jane.RunAsync("get", "secrets", "-n", "demo");
        var nodes = await jane.RunAsync("get", "nodes");
        var exec = await jane.RunAsync("exec", pod, "-n", "demo", "--", "true");
        var scale = await jane.RunAsync("scale", "deployment", "web", "-n", "demo", "--replicas=3");

        Assert.Contains($"pod/{pod}", list.EnsureSuccess().Stdout);
        get.EnsureSuccess();
        logs.EnsureSuccess();
        Assert.Equal($"Error from server (Forbidden): pods \"{pod}\" is forbidden: User \"jane\" cannot delete resource \"pods\" in API group \"\" in the namespace \"demo\"", delete.Error());
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\"", elsewhere.Error());
        Assert.Equal("Error from server (Forbidden): secrets is forbidden: User \"jane\" cannot list resource \"secrets\" in API group \"\" in the namespace \"demo\"", secrets.Error());
        Assert.Equal("Error from server (Forbidden): nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope", nodes.Error());
        Assert.Equal($"Error from server (Forbidden): pods \"{pod}\" is forbidden: User \"jane\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"demo\"", exec.Error());
        Assert.Equal("Error from server (Forbidden): deployments.apps \"web\" is forbidden: User \"jane\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"demo\"", scale.Error());
        (await cluster.Kubectl.RunAsync("get", "pod", pod, "-n", "demo")).EnsureSuccess();
    }

    [Fact]
    public async Task A_viewer_is_refused_each_write_verb_and_each_read_elsewhere_with_the_api_servers_message_for_that_verb()
    {
        await using var cluster = await RbacUsers.StartAsync();
        await cluster.BindJaneToViewAsync("demo");
        var jane = await cluster.JaneAsync();
        var config = (await cluster.Kubectl.RunAsync("get", "configmap", "web-config", "-n", "demo", "-o", "yaml")).EnsureSuccess().Stdout;
        var shopPod = (await cluster.Kubectl.RunAsync("get", "pods", "-n", "shop", "-o", "jsonpath={.items[0].metadata.name}")).EnsureSuccess().Stdout.Trim();

        var refusals = new Dictionary<string, KubectlResult>
        {
            ["create"] = await jane.RunAsync("create", "configmap", "extra", "-n", "demo"),
            ["update"] = await jane.RunAsync("replace", "-f", cluster.WriteFile("web-config.yaml", config)),
            ["patch"] = await jane.RunAsync("label", "configmap", "web-config", "-n", "demo", "touched=yes"),
            ["delete"] = await jane.RunAsync("delete", "configmap", "web-config", "-n", "demo"),
            ["deletecollection"] = await jane.RunAsync("delete", "--raw", "/api/v1/namespaces/demo/configmaps"),
            ["get"] = await jane.RunAsync("get", "pod", shopPod, "-n", "shop"),
            ["list"] = await jane.RunAsync("get", "pods", "-n", "shop"),
            ["watch"] = await jane.RunAsync("get", "--raw", "/api/v1/namespaces/shop/pods?watch=true"),
        };

        // kubectl words its own prefix per command ("error when replacing ...:"); the API server's message ends each line.
        void Refused(string command, string resource, string verb, string ns) => Assert.EndsWith(
            $"{resource} is forbidden: User \"jane\" cannot {verb} resource \"{resource.Split(' ')[0]}\" in API group \"\" in the namespace \"{ns}\"",
            refusals[command].Stderr.Trim());
        Refused("create", "configmaps", "create", "demo");
        Refused("update", "configmaps \"web-config\"", "update", "demo");
        Refused("patch", "configmaps \"web-config\"", "patch", "demo");
        Refused("delete", "configmaps \"web-config\"", "delete", "demo");
        Refused("deletecollection", "configmaps", "deletecollection", "demo");
        Refused("get", $"pods \"{shopPod}\"", "get", "shop");
        Refused("list", "pods", "list", "shop");
        Refused("watch", "pods", "watch", "shop");
        Assert.All(refusals.Values, r => Assert.Equal(1, r.ExitCode));
    }

    [Fact]
    public async Task Resource_names_limit_a_role_to_the_named_objects()
    {
        await using var cluster = await RbacUsers.StartAsync();
        (await cluster.Kubectl.RunAsync("create", "role", "web-config-reader", "-n", "demo", "--verb=get", "--resource=configmaps", "--resource-name=web-config")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "jane-web-config", "-n", "demo", "--role=web-config-reader", "--user=jane")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "configmap", "other", "-n", "demo")).EnsureSuccess();
        var jane = await cluster.JaneAsync();

        var named = await jane.RunAsync("get", "configmap", "web-config", "-n", "demo", "-o", "name");
        var other = await jane.RunAsync("get", "configmap", "other", "-n", "demo");
        var all = await jane.RunAsync("get", "configmaps", "-n", "demo");

        Assert.Equal("configmap/web-config", named.EnsureSuccess().Stdout.Trim());
        Assert.Equal("Error from server (Forbidden): configmaps \"other\" is forbidden: User \"jane\" cannot get resource \"configmaps\" in API group \"\" in the namespace \"demo\"", other.Error());
        Assert.Equal("Error from server (Forbidden): configmaps is forbidden: User \"jane\" cannot list resource \"configmaps\" in API group \"\" in the namespace \"demo\"", all.Error());
    }

    [Fact]
    public async Task A_server_side_apply_that_would_create_needs_create_as_well_as_patch()
    {
        await using var cluster = await RbacUsers.StartAsync();
        (await cluster.Kubectl.RunAsync("create", "role", "patcher", "-n", "demo", "--verb=get,patch", "--resource=configmaps")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "jane-patches", "-n", "demo", "--role=patcher", "--user=jane")).EnsureSuccess();
        var jane = await cluster.JaneAsync();
        var existing = cluster.WriteFile("existing.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  namespace: demo\ndata:\n  mode: patched\n");
        var fresh = cluster.WriteFile("fresh.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fresh\n  namespace: demo\ndata:\n  mode: new\n");

        var patched = await jane.RunAsync("apply", "--server-side", "--force-conflicts", "-f", existing);
        var created = await jane.RunAsync("apply", "--server-side", "-f", fresh);

        patched.EnsureSuccess();
        // The API server's message for a create-on-apply carries only the authorizer's reason, empty for a plain RBAC denial.
        Assert.Equal("Error from server (Forbidden): configmaps \"fresh\" is forbidden: ", created.Error());
        Assert.Equal("Error from server (NotFound): configmaps \"fresh\" not found", (await cluster.Kubectl.RunAsync("get", "configmap", "fresh", "-n", "demo")).Error());
    }

    [Fact]
    public async Task A_cluster_role_labelled_aggregate_to_view_extends_view_edit_and_admin()
    {
        await using var cluster = await RbacUsers.StartAsync();
        await cluster.BindJaneToViewAsync("demo");
        var jane = await cluster.JaneAsync();
        var before = await jane.RunAsync("get", "widgets", "-n", "demo");
        var role = cluster.WriteFile("widget-viewer.yaml", """
            apiVersion: rbac.authorization.k8s.io/v1
            kind: ClusterRole
            metadata:
              name: widget-viewer
              labels:
                rbac.authorization.k8s.io/aggregate-to-view: "true"
            rules:
            - apiGroups: ["example.plural.sh"]
              resources: ["widgets"]
              verbs: ["get", "list", "watch"]
            """);

        (await cluster.Kubectl.RunAsync("apply", "-f", role)).EnsureSuccess();
        var after = await EventuallyAsync(() => jane.RunAsync("get", "widgets", "-n", "demo", "-o", "name"), r => r.ExitCode == 0);
        var admin = await EventuallyAsync(() => cluster.Kubectl.RunAsync("get", "clusterrole", "admin", "-o", "yaml"), r => r.Stdout.Contains("widgets"));

        Assert.Equal("Error from server (Forbidden): widgets.example.plural.sh is forbidden: User \"jane\" cannot list resource \"widgets\" in API group \"example.plural.sh\" in the namespace \"demo\"", before.Error());
        Assert.Equal("widget.example.plural.sh/sample", after.EnsureSuccess().Stdout.Trim());
        Assert.Contains("widgets", (await cluster.Kubectl.RunAsync("get", "clusterrole", "view", "-o", "yaml")).Stdout);
        Assert.Contains("widgets", (await cluster.Kubectl.RunAsync("get", "clusterrole", "edit", "-o", "yaml")).Stdout);
        Assert.Contains("widgets", admin.Stdout);
    }

    [Fact]
    public async Task Impersonation_needs_the_right_for_that_user_or_group_and_then_acts_as_them()
    {
        await using var cluster = await RbacUsers.StartAsync();
        var jane = await cluster.JaneAsync();
        (await jane.RunAsync("api-resources", "-o", "name")).EnsureSuccess();

        var refused = await jane.RunAsync("get", "pods", "-n", "demo", "--as=bob");
        var refusedAccount = await jane.RunAsync("get", "pods", "-n", "demo", "--as=system:serviceaccount:demo:builder");
        (await cluster.Kubectl.RunAsync("create", "clusterrole", "impersonate-bob", "--verb=impersonate", "--resource=users", "--resource-name=bob")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "clusterrolebinding", "jane-impersonates-bob", "--clusterrole=impersonate-bob", "--user=jane")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "bob-view", "--clusterrole=view", "--user=bob", "-n", "demo")).EnsureSuccess();
        var asBob = await jane.RunAsync("get", "pods", "-n", "demo", "--as=bob", "-o", "name");
        var asBobElsewhere = await jane.RunAsync("get", "pods", "-n", "shop", "--as=bob");
        var asCarol = await jane.RunAsync("get", "pods", "-n", "demo", "--as=carol");
        var withGroup = await jane.RunAsync("get", "pods", "-n", "demo", "--as=bob", "--as-group=system:masters");

        Assert.Equal("Error from server (Forbidden): users \"bob\" is forbidden: User \"jane\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", refused.Error());
        Assert.Equal("Error from server (Forbidden): serviceaccounts \"builder\" is forbidden: User \"jane\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"demo\"", refusedAccount.Error());
        Assert.Contains("pod/", asBob.EnsureSuccess().Stdout);
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"bob\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\"", asBobElsewhere.Error());
        Assert.Equal("Error from server (Forbidden): users \"carol\" is forbidden: User \"jane\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope", asCarol.Error());
        Assert.Equal("Error from server (Forbidden): groups \"system:masters\" is forbidden: User \"jane\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope", withGroup.Error());
    }

    [Fact]
    public async Task Non_resource_urls_are_authorized_by_path()
    {
        await using var cluster = await RbacUsers.StartAsync();
        var jane = await cluster.JaneAsync();

        var discovery = await jane.RunAsync("get", "--raw", "/apis");
        var refused = await jane.RunAsync("get", "--raw", "/metrics");
        (await cluster.Kubectl.RunAsync("create", "clusterrole", "metrics-reader", "--verb=get", "--non-resource-url=/metrics")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "clusterrolebinding", "jane-metrics", "--clusterrole=metrics-reader", "--user=jane")).EnsureSuccess();
        var allowed = await jane.RunAsync("get", "--raw", "/metrics");

        discovery.EnsureSuccess();
        Assert.Equal("Error from server (Forbidden): forbidden: User \"jane\" cannot get path \"/metrics\"", refused.Error());
        // Past authorization the emulator has no /metrics to serve.
        Assert.Equal("Error from server (NotFound): the server could not find the requested resource", allowed.Error());
    }

    [Fact]
    public async Task With_rbac_off_every_identity_may_do_everything()
    {
        await using var cluster = await RbacUsers.StartAsync(o => o.Rbac = false);
        var jane = await cluster.JaneAsync();
        var pod = (await cluster.Kubectl.RunAsync("get", "pods", "-n", "demo", "-o", "jsonpath={.items[0].metadata.name}")).EnsureSuccess().Stdout.Trim();

        var nodes = await jane.RunAsync("get", "nodes", "-o", "name");
        var asAnyone = await jane.RunAsync("auth", "whoami", "--as=bob", "--as-group=system:masters");
        var canI = await jane.RunAsync("auth", "can-i", "delete", "pods", "-n", "shop");
        var delete = await jane.RunAsync("delete", "pod", pod, "-n", "demo", "--wait=false");

        Assert.Contains("node/emulator-node-1", nodes.EnsureSuccess().Stdout);
        Assert.Matches(@"Username\s+bob", asAnyone.EnsureSuccess().Stdout);
        Assert.Equal("yes", canI.EnsureSuccess().Stdout.Trim());
        delete.EnsureSuccess();
    }

    private static async Task<KubectlResult> EventuallyAsync(Func<Task<KubectlResult>> run, Func<KubectlResult, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var result = await run();
            if (done(result) || DateTime.UtcNow > deadline) return result;
            await Task.Delay(200);
        }
    }
}
