using System.Text;
using System.Text.Json;
using Plural.KubeEmulator.Tests.Rbac;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests.ServiceAccounts;

/// <summary>Service-account tokens from the TokenRequest API (<c>kubectl create token</c>): who they are, what RBAC lets them do, and that deleting the account revokes them.</summary>
public sealed class KubectlCreateTokenTests
{
    [Fact]
    public async Task A_token_from_kubectl_create_token_acts_as_the_service_account_under_its_bindings_until_the_account_is_deleted()
    {
        await using var cluster = await RbacUsers.StartAsync();
        (await cluster.Kubectl.RunAsync("create", "serviceaccount", "builder", "-n", "demo")).EnsureSuccess();
        var token = (await cluster.Kubectl.RunAsync("create", "token", "builder", "-n", "demo")).EnsureSuccess().Stdout.Trim();
        var builder = await cluster.KubectlForAsync(token, "builder");

        var whoami = (await builder.RunAsync("auth", "whoami", "-o", "json")).EnsureSuccess();
        var unbound = await builder.RunAsync("get", "pods", "-n", "demo");
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "builder-view", "--clusterrole=view", "--serviceaccount=demo:builder", "-n", "demo")).EnsureSuccess();
        var bound = await builder.RunAsync("get", "pods", "-n", "demo", "-o", "name");
        (await cluster.Kubectl.RunAsync("delete", "serviceaccount", "builder", "-n", "demo")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "serviceaccount", "builder", "-n", "demo")).EnsureSuccess();
        var revoked = await builder.RunAsync("get", "pods", "-n", "demo");

        var info = JsonDocument.Parse(whoami.Stdout).RootElement.GetProperty("status").GetProperty("userInfo");
        Assert.Equal("system:serviceaccount:demo:builder", info.GetProperty("username").GetString());
        Assert.Equal(["system:serviceaccounts", "system:serviceaccounts:demo", "system:authenticated"], info.GetProperty("groups").EnumerateArray().Select(g => g.GetString()));
        Assert.Equal("Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:demo:builder\" cannot list resource \"pods\" in API group \"\" in the namespace \"demo\"", unbound.Error());
        Assert.Contains("pod/", bound.EnsureSuccess().Stdout);
        Assert.NotEqual(0, revoked.ExitCode);
        Assert.Contains("Unauthorized", revoked.Stderr);
    }

    [Fact]
    public async Task A_pod_runs_as_its_service_account_and_a_process_in_it_acts_with_the_token_the_kubelet_mounted()
    {
        await using var cluster = await RbacUsers.StartAsync();
        (await cluster.Kubectl.RunAsync("create", "serviceaccount", "builder", "-n", "demo")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("create", "rolebinding", "builder-view", "--clusterrole=view", "--serviceaccount=demo:builder", "-n", "demo")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("run", "box", "--image=busybox:1.36", "-n", "demo", "--overrides={\"spec\":{\"serviceAccountName\":\"builder\"}}")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("run", "plain", "--image=busybox:1.36", "-n", "demo")).EnsureSuccess();
        (await cluster.Kubectl.RunAsync("wait", "--for=condition=Ready", "pod/box", "pod/plain", "-n", "demo", "--timeout=30s")).EnsureSuccess();

        var token = (await cluster.Kubectl.RunAsync("exec", "box", "-n", "demo", "--", "cat", "/var/run/secrets/kubernetes.io/serviceaccount/token")).EnsureSuccess().Stdout.Trim();
        var plainAccount = (await cluster.Kubectl.RunAsync("get", "pod", "plain", "-n", "demo", "-o", "jsonpath={.spec.serviceAccountName}")).EnsureSuccess().Stdout;
        var inPod = await cluster.KubectlForAsync(token, "box");
        var whoami = (await inPod.RunAsync("auth", "whoami", "-o", "jsonpath={.status.userInfo.username}")).EnsureSuccess().Stdout;
        var list = await inPod.RunAsync("get", "pods", "-n", "demo", "-o", "name");
        var delete = await inPod.RunAsync("delete", "pod", "plain", "-n", "demo");

        Assert.Equal("default", plainAccount);
        Assert.Equal("system:serviceaccount:demo:builder", whoami);
        Assert.Contains("pod/plain", list.EnsureSuccess().Stdout);
        Assert.Equal("Error from server (Forbidden): pods \"plain\" is forbidden: User \"system:serviceaccount:demo:builder\" cannot delete resource \"pods\" in API group \"\" in the namespace \"demo\"", delete.Error());
    }

    [Fact]
    public async Task Token_requests_carry_the_claims_of_the_api_server_and_refuse_short_lifetimes_and_unknown_accounts()
    {
        await using var cluster = await RbacUsers.StartAsync();
        (await cluster.Kubectl.RunAsync("create", "serviceaccount", "builder", "-n", "demo")).EnsureSuccess();

        var token = (await cluster.Kubectl.RunAsync("create", "token", "builder", "-n", "demo", "--duration=2h")).EnsureSuccess().Stdout.Trim();
        var vault = (await cluster.Kubectl.RunAsync("create", "token", "builder", "-n", "demo", "--audience=vault")).EnsureSuccess().Stdout.Trim();
        var tooShort = await cluster.Kubectl.RunAsync("create", "token", "builder", "-n", "demo", "--duration=5m");
        var missing = await cluster.Kubectl.RunAsync("create", "token", "nobody", "-n", "demo");
        var asVault = await (await cluster.KubectlForAsync(vault, "vault")).RunAsync("auth", "whoami");

        var claims = JsonDocument.Parse(Base64Url(token.Split('.')[1])).RootElement;
        Assert.Equal("system:serviceaccount:demo:builder", claims.GetProperty("sub").GetString());
        Assert.Equal(["https://kubernetes.default.svc.cluster.local"], claims.GetProperty("aud").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(7200, claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64());
        Assert.Equal("builder", claims.GetProperty("kubernetes.io").GetProperty("serviceaccount").GetProperty("name").GetString());
        Assert.Contains("spec.expirationSeconds: Invalid value: 300: may not specify a duration less than 10 minutes", tooShort.Stderr);
        Assert.Contains("serviceaccounts \"nobody\" not found", missing.Stderr);
        Assert.Contains("Unauthorized", asVault.Stderr);
    }

    private static string Base64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Encoding.UTF8.GetString(Convert.FromBase64String(s.PadRight(s.Length + (4 - s.Length % 4) % 4, '=')));
    }
}
