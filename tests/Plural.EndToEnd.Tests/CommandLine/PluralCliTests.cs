using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.EndToEnd.Tests.MainApp;

namespace Plural.EndToEnd.Tests.CommandLine;

/// <summary>
/// The <c>plural</c> command as an operator uses it against a production-mode gateway (TLS with a private CA, named
/// admin credentials): login, agents and tokens from registration to deletion, the audit trail, JSON for scripts,
/// and an exit code for each kind of failure.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed class PluralCliTests(MainAppPlatform platform) : IDisposable
{
    private readonly OperatorCli _cli = new(platform);

    private DirectoryInfo Home => _cli.Home;

    private string Profile => _cli.Profile;

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task An_operator_logs_in_registers_an_agent_rotates_its_token_and_deletes_it()
    {
        await LoginAsync();
        var name = "cli-" + Guid.NewGuid().ToString("N")[..6];

        var registered = await PluralAsync("agents", "register", name, "-l", "env=prod", "-l", "team=platform", "--description", "EU production");
        Assert.True(registered.ExitCode == 0, registered.ToString());
        Assert.Contains($"agent {name} registered", registered.StandardOutput);
        Assert.Matches("token:    plrl_", registered.StandardOutput);

        var listed = await PluralAsync("agents", "list", "-l", "env=prod");
        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Matches($@"(?m)^NAME\s+CONNECTED\s+SINCE\s+VERSION\s+LABELS$", listed.StandardOutput);
        Assert.Matches($@"(?m)^{name}\s+no\s+-\s+-\s+env=prod,team=platform$", listed.StandardOutput);

        var created = await PluralAsync("tokens", "create", name, "--description", "rotation", "--ttl", "7d", "-o", "json");
        Assert.True(created.ExitCode == 0, created.ToString());
        var second = JsonDocument.Parse(created.StandardOutput).RootElement.GetProperty("token");
        Assert.StartsWith("plrl_", second.GetProperty("token").GetString());
        var secondId = second.GetProperty("tokenId").GetString()!;

        var revoked = await PluralAsync("tokens", "revoke", name, secondId);
        Assert.True(revoked.ExitCode == 0, revoked.ToString());
        var tokens = await PluralAsync("tokens", "list", name);
        Assert.Matches($@"(?m)^{secondId}\s+\S+ \S+\s+\S+ \S+\s+\d{{4}}-\d\d-\d\d \S+\s+rotation$", tokens.StandardOutput);

        var shown = await PluralAsync("agents", "get", name, "-o", "json");
        var agent = JsonDocument.Parse(shown.StandardOutput).RootElement;
        Assert.Equal("EU production", agent.GetProperty("description").GetString());
        Assert.False(agent.GetProperty("status").GetProperty("connected").GetBoolean());
        Assert.Equal(2, agent.GetProperty("tokens").GetArrayLength());

        var fixedAccess = await PluralAsync("access", "set", name, "--mode", "fixed-identity", "--fixed-user", "ci-bot", "--fixed-group", "deployers");
        Assert.True(fixedAccess.ExitCode == 0, fixedAccess.ToString());
        var access = await PluralAsync("access", "get", name);
        Assert.Contains("mode:   fixed-identity", access.StandardOutput);
        Assert.Contains("as:     ci-bot (groups: deployers)", access.StandardOutput);
        var badMode = await PluralAsync("access", "set", name, "--mode", "root");
        Assert.Equal(2, badMode.ExitCode);

        var deleted = await PluralAsync("agents", "delete", name);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        var gone = await PluralAsync("agents", "get", name);
        Assert.Equal(5, gone.ExitCode);
        Assert.Equal([$"error: agent \"{name}\" is not registered"], gone.Errors);
    }

    [Fact]
    public async Task The_audit_trail_lists_an_agents_records_for_people_and_as_json()
    {
        await LoginAsync();
        var name = "cli-audit-" + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(0, (await PluralAsync("agents", "register", name)).ExitCode);

        var table = await PluralAsync("audit", "--agent", name, "--since", "1h");
        var json = await PluralAsync("audit", "--agent", name, "-o", "json");

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Matches(@"(?m)^TIME\s+USER\s+AS\s+VERB\s+RESOURCE\s+NAMESPACE\s+NAME\s+STATUS\s+MS$", table.StandardOutput);
        Assert.Equal(JsonValueKind.Array, JsonDocument.Parse(json.StandardOutput).RootElement.GetProperty("events").ValueKind);
    }

    [Fact]
    public async Task A_namespace_created_with_kubectl_is_followed_by_plural_events_and_found_by_plural_query()
    {
        await LoginAsync();
        var name = "cli-live-" + Guid.NewGuid().ToString("N")[..6];
        var label = "cli-" + Guid.NewGuid().ToString("N")[..6];
        var registered = await PluralAsync("agents", "register", name, "-l", $"fleet={label}", "-o", "json");
        var token = JsonDocument.Parse(registered.StandardOutput).RootElement.GetProperty("token").GetProperty("token").GetString()!;
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var agent = await platform.StartAgentAsync(name, token, cluster.Server.Url, cluster.AgentArgs());
        var kubeconfig = Path.Combine(Home.FullName, "kubeconfig");
        await cluster.Server.WriteKubeconfigAsync(kubeconfig);
        await using var events = _cli.Start("plural-events", "events", name);
        await events.WaitForOutputAsync("POSITION", PlatformFixture.StartTimeout);

        var created = await new Kubectl(kubeconfig, Path.Combine(Home.FullName, "kube-cache")).RunAsync("create", "namespace", "made-by-kubectl");
        Assert.Equal(0, created.ExitCode);

        await events.WaitForOutputAsync("ADDED      Namespace    made-by-kubectl", TimeSpan.FromSeconds(30));
        var found = await Eventually.UntilAsync(() => PluralAsync("query", "namespaces", "--agent", name),
            query => query.StandardOutput.Contains("made-by-kubectl", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the namespace in plural query");
        Assert.Matches($@"(?m)^{name}\s+-\s+made-by-kubectl\s+", found.StandardOutput);
        var fleet = await PluralAsync("query", "namespaces", "--fleet", $"fleet={label}", "--count");
        Assert.True(fleet.ExitCode == 0, fleet.ToString());
        Assert.Matches($@"(?m)^{name}\s+\d+\s+yes$", fleet.StandardOutput);
        var neither = await PluralAsync("query", "namespaces");
        Assert.Equal(2, neither.ExitCode);
        Assert.Contains("error: give exactly one of --agent and --fleet", neither.Errors);
    }

    [Fact]
    public async Task Kubeconfig_writes_a_context_next_to_the_users_own_and_the_cluster_decides_what_it_may_do()
    {
        await LoginAsync();
        var name = "cli-kube-" + Guid.NewGuid().ToString("N")[..6];
        var registered = await PluralAsync("agents", "register", name, "-o", "json");
        var token = JsonDocument.Parse(registered.StandardOutput).RootElement.GetProperty("token").GetProperty("token").GetString()!;
        await using var cluster = await EmulatedCluster.StartAsync();
        await using var agent = await platform.StartAgentAsync(name, token, cluster.Server.Url, cluster.AgentArgs());
        var adminConfig = Path.Combine(Home.FullName, "admin-kubeconfig");
        await cluster.Server.WriteKubeconfigAsync(adminConfig);
        var admin = new Kubectl(adminConfig, Path.Combine(Home.FullName, "admin-cache"));
        Assert.Equal(0, (await admin.RunAsync("create", "namespace", "team-a")).ExitCode);
        // The emulator makes every user the platform impersonates a cluster admin until told otherwise.
        Assert.Equal(0, (await admin.RunAsync("delete", "clusterrolebinding", "kube-emulator:platform-users")).ExitCode);
        Assert.Equal(0, (await admin.RunAsync("create", "rolebinding", "ops-view", "--clusterrole=view", "--user=plural:user:ops", "-n", "team-a")).ExitCode);
        // The operator's own kubeconfig, with a context of theirs that must survive.
        var userConfig = Path.Combine(Home.FullName, "kubeconfig");
        await File.WriteAllTextAsync(userConfig, """
            apiVersion: v1
            kind: Config
            clusters:
            - name: other
              cluster:
                server: https://other.example.com
            contexts:
            - name: other
              context:
                cluster: other
                user: other
            current-context: other
            users:
            - name: other
              user:
                token: other-token
            """);

        var written = await PluralAsync("kubeconfig", name, "--user", "ops", "--kubeconfig", userConfig, "--use");

        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Contains($"context plural-{name} written to {userConfig}", written.StandardOutput);
        var kubectl = new Kubectl(userConfig, Path.Combine(Home.FullName, "user-cache"));
        var contexts = await kubectl.RunAsync("config", "get-contexts", "-o", "name");
        Assert.Equal(["other", $"plural-{name}"], contexts.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        var allowed = await kubectl.RunAsync("get", "configmaps", "-n", "team-a");
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        var denied = await kubectl.RunAsync("delete", "namespace", "team-a");
        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("Forbidden", denied.Stderr + denied.Stdout, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Every_kind_of_failure_has_its_own_exit_code_and_one_error_line()
    {
        var notLoggedIn = await PluralAsync("agents", "list");
        Assert.Equal(3, notLoggedIn.ExitCode);
        Assert.StartsWith("error: not logged in", Assert.Single(notLoggedIn.Errors));

        var wrongCredential = Path.Combine(Home.FullName, "wrong");
        await File.WriteAllTextAsync(wrongCredential, "not-the-operator-token");
        var refused = await PluralAsync("login", "--gateway", platform.ApiUrl.ToString(), "--credential-file", wrongCredential,
            "--ca-file", platform.Certificates.AuthorityFile);
        Assert.Equal(4, refused.ExitCode);
        Assert.StartsWith("error: the gateway refused the credential", Assert.Single(refused.Errors));
        Assert.False(File.Exists(Profile), "a refused login must not save a profile");

        await LoginAsync();
        var unknownCommand = await PluralAsync("agnets", "list");
        var badLabel = await PluralAsync("agents", "register", "x-1", "-l", "no-equals-sign");
        var badTtl = await PluralAsync("tokens", "create", "x-1", "--ttl", "forever");
        var badName = await PluralAsync("agents", "register", "Not_A_Label");
        var unknownAgent = await PluralAsync("tokens", "list", "never-registered");

        Assert.Equal(2, unknownCommand.ExitCode);
        Assert.Equal(2, badLabel.ExitCode);
        Assert.Equal(["error: --label: 'no-equals-sign' is not key=value"], badLabel.Errors);
        Assert.Equal(2, badTtl.ExitCode);
        Assert.Contains("error: --ttl: 'forever' is not a duration such as 30m, 24h or 7d", badTtl.Errors);
        Assert.Equal(2, badName.ExitCode);
        Assert.StartsWith("error: name:", Assert.Single(badName.Errors));
        Assert.Equal(5, unknownAgent.ExitCode);
        Assert.All(new[] { unknownCommand, badLabel, badTtl, badName, unknownAgent }, r => Assert.False(r.PrintedStackTrace, r.ToString()));
    }

    private Task LoginAsync() => _cli.LoginAsync();

    private Task<ProductRunResult> PluralAsync(params string[] args) => _cli.RunAsync(args);
}
