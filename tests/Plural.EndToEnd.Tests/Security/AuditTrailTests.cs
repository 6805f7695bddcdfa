using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.EndToEnd.Tests.KubernetesProxy;
using Plural.EndToEnd.Tests.MainApp;

namespace Plural.EndToEnd.Tests.Security;

/// <summary>
/// The audit trail as an operator reads it: real kubectl through a gateway to an AgentK in front of the emulator (a
/// get, an exec, a port-forward), an admin credential on the raw route, and each of them found again through
/// <c>ListAuditEvents</c> by a stock ruby-grpc client that filters and follows page tokens.
/// </summary>
[Collection(KubectlPlatformCollection.Name)]
public sealed partial class AuditTrailTests(KubectlPlatformFixture platform) : IAsyncLifetime
{
    private const string Ns = KubectlPlatformFixture.Namespace;
    private const string Pod = KubectlPlatformFixture.Pod;

    // Generous: the CI machine has two cores and runs other suites at the same time.
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _stubs = Directory.CreateTempSubdirectory("plural-ruby-audit-");

    public Task InitializeAsync() => RubyScript.GenerateStubsAsync(_stubs.FullName);

    public Task DisposeAsync()
    {
        _stubs.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_get_an_exec_and_a_port_forward_by_kubectl_are_listed_with_who_as_whom_what_and_bytes()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var user = "auditor-" + suffix;
        var (kubectl, _) = await platform.KubectlAsync("A", user, ["audit-team"]);

        var got = await kubectl.RunAsync(CommandTimeout, "get", "pod", Pod, "-n", Ns, "-o", "name");
        var exec = await kubectl.RunAsync(CommandTimeout, "exec", Pod, "-n", Ns, "-c", Pod, "--", "echo", "audited-" + suffix);
        var payload = "ping for the audit " + suffix;
        await using (var forward = kubectl.Stream("port-forward", $"pod/{Pod}", "-n", Ns, "--address", "127.0.0.1", ":80"))
        {
            var line = await forward.WaitForLineAsync(l => ForwardingLine().IsMatch(l), CommandTimeout);
            using var cts = new CancellationTokenSource(CommandTimeout);
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(IPAddress.Loopback, int.Parse(ForwardingLine().Match(line).Groups[1].Value), cts.Token);
            await tcp.GetStream().WriteAsync(Encoding.UTF8.GetBytes(payload), cts.Token);
            var echoed = new byte[payload.Length];
            await tcp.GetStream().ReadExactlyAsync(echoed, cts.Token);
            Assert.Equal(payload, Encoding.UTF8.GetString(echoed));
        } // kubectl ends here, and with it the session: only now is it recorded.

        Assert.True(got.ExitCode == 0, platform.Describe(got));
        Assert.True(exec.ExitCode == 0 && exec.Stdout == $"audited-{suffix}\n", platform.Describe(exec));
        // Pages of two: the user's discovery requests come along, so every record is reached by following tokens.
        var (events, pages) = await ListUntilAsync(new() { ["PLURAL_AUDIT_USER"] = user, ["PLURAL_AUDIT_PAGE_SIZE"] = "2" },
            e => e.Any(IsExec) && e.Any(IsPortForward) && e.Any(IsGet));

        Assert.True(pages >= 2, $"{events.Count} events in {pages} pages");
        Assert.Equal(events.Count, events.Select(e => Text(e, "request_id")).Distinct().Count());
        Assert.All(events, e =>
        {
            Assert.Equal((user, "user-token", "k8s-proxy"), (Text(e, "user"), Text(e, "caller_kind"), Text(e, "route")));
            Assert.Equal(["audit-team"], Strings(e, "groups"));
            Assert.Equal(("CLUSTER_IDENTITY_MODE_IMPERSONATE_USER", $"plural:user:{user}"), (Text(e, "cluster_mode"), Text(e, "cluster_user")));
            Assert.Contains("audit-team", Strings(e, "cluster_groups"));
        });
        var get = events.First(IsGet);
        Assert.Equal((200, "pods", Ns), (get.GetProperty("status").GetInt32(), Text(get, "resource"), Text(get, "namespace")));
        Assert.True(get.GetProperty("bytes_out").GetInt64() > 0);
        var session = events.First(IsExec);
        Assert.Equal(["echo", $"audited-{suffix}"], Strings(session, "command"));
        Assert.Equal((101, Pod, Pod), (session.GetProperty("status").GetInt32(), Text(session, "container"), Text(session, "name")));
        Assert.True(session.GetProperty("bytes_out").GetInt64() >= $"audited-{suffix}\n".Length, session.ToString());
        var forwarded = events.First(IsPortForward);
        Assert.Equal(101, forwarded.GetProperty("status").GetInt32());
        // The session's framing comes on top of the payload each way.
        Assert.True(forwarded.GetProperty("bytes_in").GetInt64() >= payload.Length, forwarded.ToString());
        Assert.True(forwarded.GetProperty("bytes_out").GetInt64() >= payload.Length, forwarded.ToString());
        Assert.True(forwarded.GetProperty("duration_ms").GetDouble() > 0);
    }

    [Fact]
    public async Task A_raw_proxy_call_by_an_admin_credential_is_listed_under_its_name_as_the_agents_service_account()
    {
        var name = "audit-" + Guid.NewGuid().ToString("N")[..6];
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        using var admin = platform.HttpClient("A", PlatformFixture.AdminToken);

        using var response = await admin.GetAsync($"/agents/{platform.Agent.Name}/proxy/api/v1/namespaces/{Ns}/configmaps/{name}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var (events, _) = await ListUntilAsync(new()
        {
            ["PLURAL_AUDIT_USER"] = "admin",
            ["PLURAL_AUDIT_VERB"] = "get",
            ["PLURAL_AUDIT_SINCE"] = since.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        }, e => e.Any(x => Text(x, "name") == name));
        Assert.All(events, e => Assert.Equal(("admin", "get"), (Text(e, "user"), Text(e, "verb"))));
        var raw = events.Single(e => Text(e, "name") == name);
        Assert.Equal(("admin", "agents", "CLUSTER_IDENTITY_MODE_AGENT_SERVICE_ACCOUNT", ""),
            (Text(raw, "caller_kind"), Text(raw, "route"), Text(raw, "cluster_mode"), Text(raw, "cluster_user")));
        Assert.Equal(("configmaps", Ns, 404), (Text(raw, "resource"), Text(raw, "namespace"), raw.GetProperty("status").GetInt32()));
    }

    /// <summary>
    /// Runs the Ruby client until the events it lists satisfy <paramref name="complete"/>: records reach
    /// <c>ServerApi</c> in batches about a second after their request or session ended.
    /// </summary>
    private async Task<(List<JsonElement> Events, int Pages)> ListUntilAsync(Dictionary<string, string> filters, Func<List<JsonElement>, bool> complete)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (true)
        {
            var environment = new Dictionary<string, string>(filters)
            {
                ["PLURAL_API"] = platform.Gateway("A").Endpoints.ApiUrl.Authority,
                ["PLURAL_BEARER"] = PlatformFixture.AdminToken,
                ["PLURAL_STUBS"] = _stubs.FullName,
                ["PLURAL_AGENT_NAME"] = platform.Agent.Name,
            };
            await using var script = RubyScript.Start("list_audit_events.rb", environment);
            var done = await script.WaitForStepAsync("done", Eventually);
            var events = script.Steps.Where(s => Text(s, "step") == "event").ToList();
            if (complete(events))
            {
                return (events, done.GetProperty("pages").GetInt32());
            }

            Assert.True(DateTime.UtcNow < deadline, "the audit trail never held the expected records:\n" + script.Output);
            await Task.Delay(500);
        }
    }

    private static bool IsGet(JsonElement e) => Text(e, "verb") == "get" && Text(e, "resource") == "pods" && Text(e, "name") == Pod && Text(e, "subresource") == "";

    private static bool IsExec(JsonElement e) => Text(e, "subresource") == "exec";

    private static bool IsPortForward(JsonElement e) => Text(e, "subresource") == "portforward";

    private static string? Text(JsonElement e, string name) => e.GetProperty(name).GetString();

    private static List<string?> Strings(JsonElement e, string name) => [.. e.GetProperty(name).EnumerateArray().Select(v => v.GetString())];

    [GeneratedRegex(@"^Forwarding from 127\.0\.0\.1:(\d+) -> 80$")]
    private static partial Regex ForwardingLine();
}
