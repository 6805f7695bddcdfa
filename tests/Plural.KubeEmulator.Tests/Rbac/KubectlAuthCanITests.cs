using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests.Rbac;

/// <summary><c>kubectl auth can-i</c>, with and without <c>--as</c> and <c>--list</c>, answered as a real cluster answers it.</summary>
public sealed class KubectlAuthCanITests
{
    [Fact]
    public async Task Auth_can_i_answers_for_the_admin_and_for_an_impersonated_user_by_their_bindings()
    {
        await using var cluster = await RbacUsers.StartAsync();
        await cluster.BindJaneToViewAsync("demo");
        var jane = await cluster.JaneAsync();

        var admin = await cluster.Kubectl.RunAsync("auth", "can-i", "*", "*");
        var janeList = await jane.RunAsync("auth", "can-i", "list", "pods", "-n", "demo");
        var asJaneList = await cluster.Kubectl.RunAsync("auth", "can-i", "list", "pods", "-n", "demo", "--as=jane");
        var asJaneDelete = await cluster.Kubectl.RunAsync("auth", "can-i", "delete", "pods", "-n", "demo", "--as=jane");
        var asJaneElsewhere = await cluster.Kubectl.RunAsync("auth", "can-i", "list", "pods", "-n", "shop", "--as=jane");
        var asJaneLogs = await cluster.Kubectl.RunAsync("auth", "can-i", "get", "pods", "--subresource=log", "-n", "demo", "--as=jane");
        var asJaneExec = await cluster.Kubectl.RunAsync("auth", "can-i", "create", "pods/exec", "-n", "demo", "--as=jane");
        var asMasters = await cluster.Kubectl.RunAsync("auth", "can-i", "delete", "nodes", "--as=someone", "--as-group=system:masters");

        Assert.Equal((0, "yes"), (admin.ExitCode, admin.Stdout.Trim()));
        Assert.Equal((0, "yes"), (janeList.ExitCode, janeList.Stdout.Trim()));
        Assert.Equal((0, "yes"), (asJaneList.ExitCode, asJaneList.Stdout.Trim()));
        Assert.Equal((1, "no"), (asJaneDelete.ExitCode, asJaneDelete.Stdout.Trim()));
        Assert.Equal((1, "no"), (asJaneElsewhere.ExitCode, asJaneElsewhere.Stdout.Trim()));
        Assert.Equal((0, "yes"), (asJaneLogs.ExitCode, asJaneLogs.Stdout.Trim()));
        Assert.Equal((1, "no"), (asJaneExec.ExitCode, asJaneExec.Stdout.Trim()));
        Assert.Equal((0, "yes"), (asMasters.ExitCode, asMasters.Stdout.Trim()));
    }

    [Fact]
    public async Task Auth_can_i_list_reports_the_rules_that_apply_in_the_namespace()
    {
        await using var cluster = await RbacUsers.StartAsync();
        await cluster.BindJaneToViewAsync("demo");
        var jane = await cluster.JaneAsync();

        var inDemo = (await jane.RunAsync("auth", "can-i", "--list", "-n", "demo")).EnsureSuccess();
        var inShop = (await cluster.Kubectl.RunAsync("auth", "can-i", "--list", "-n", "shop", "--as=jane")).EnsureSuccess();
        var admin = (await cluster.Kubectl.RunAsync("auth", "can-i", "--list")).EnsureSuccess();

        Assert.Matches(@"(?m)^pods\s+\[\]\s+\[\]\s+\[get list watch\]", inDemo.Stdout);
        Assert.Matches(@"(?m)^deployments\.apps/scale\s+\[\]\s+\[\]\s+\[get list watch\]", inDemo.Stdout);
        Assert.Matches(@"(?m)^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]", inDemo.Stdout);
        Assert.Matches(@"(?m)^\s+\[/api/\*\]\s+\[\]\s+\[get\]", inDemo.Stdout);
        Assert.DoesNotMatch(@"(?m)^pods\s", inShop.Stdout);
        Assert.Matches(@"(?m)^selfsubjectrulesreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]", inShop.Stdout);
        Assert.Matches(@"(?m)^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]", admin.Stdout);
    }

    [Fact]
    public async Task Discovery_lists_the_authorization_and_rbac_apis_as_a_real_server_does()
    {
        await using var cluster = await RbacUsers.StartAsync();

        var authorization = (await cluster.Kubectl.RunAsync("api-resources", "--api-group=authorization.k8s.io", "-o", "wide")).EnsureSuccess();
        var rbac = (await cluster.Kubectl.RunAsync("api-resources", "--api-group=rbac.authorization.k8s.io", "-o", "name")).EnsureSuccess();

        Assert.Matches(@"(?m)^localsubjectaccessreviews\s+authorization\.k8s\.io/v1\s+true\s+LocalSubjectAccessReview\s+create", authorization.Stdout);
        Assert.Matches(@"(?m)^selfsubjectaccessreviews\s+authorization\.k8s\.io/v1\s+false\s+SelfSubjectAccessReview\s+create", authorization.Stdout);
        Assert.Matches(@"(?m)^selfsubjectrulesreviews\s+authorization\.k8s\.io/v1\s+false\s+SelfSubjectRulesReview\s+create", authorization.Stdout);
        Assert.Matches(@"(?m)^subjectaccessreviews\s+authorization\.k8s\.io/v1\s+false\s+SubjectAccessReview\s+create", authorization.Stdout);
        Assert.Equal(["clusterrolebindings.rbac.authorization.k8s.io", "clusterroles.rbac.authorization.k8s.io", "rolebindings.rbac.authorization.k8s.io", "roles.rbac.authorization.k8s.io"],
            rbac.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order());
    }

    [Fact]
    public async Task Bootstrap_roles_and_bindings_are_those_of_a_real_cluster()
    {
        await using var cluster = await RbacUsers.StartAsync();

        var admins = (await cluster.Kubectl.RunAsync("get", "clusterrolebinding", "cluster-admin", "-o", "jsonpath={.roleRef.name} {.subjects[*].kind}/{.subjects[*].name}")).EnsureSuccess();
        var publicInfo = (await cluster.Kubectl.RunAsync("get", "clusterrolebinding", "system:public-info-viewer", "-o", "jsonpath={.subjects[*].name}")).EnsureSuccess();
        var basic = (await cluster.Kubectl.RunAsync("get", "clusterrolebinding", "system:basic-user", "system:discovery", "-o", "jsonpath={.items[*].subjects[*].name}")).EnsureSuccess();
        var view = (await cluster.Kubectl.RunAsync("get", "clusterrole", "view", "-o", "jsonpath={.aggregationRule.clusterRoleSelectors[0].matchLabels} {.metadata.labels}")).EnsureSuccess();

        Assert.Equal("cluster-admin Group/system:masters", admins.Stdout);
        Assert.Equal("system:authenticated system:unauthenticated", publicInfo.Stdout);
        Assert.Equal("system:authenticated system:authenticated", basic.Stdout);
        Assert.Contains("\"rbac.authorization.k8s.io/aggregate-to-view\":\"true\"", view.Stdout);
        Assert.Contains("\"rbac.authorization.k8s.io/aggregate-to-edit\":\"true\"", view.Stdout);
    }
}
