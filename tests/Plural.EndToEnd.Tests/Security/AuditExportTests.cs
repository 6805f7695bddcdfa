using System.Net.Http.Headers;
using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Security;

/// <summary>A gateway process exporting its audit trail to a file as JSON lines, as a log shipper would read it.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditExportTests(PlatformFixture platform)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Requests_are_appended_to_the_export_file_as_json_lines_and_the_last_one_survives_a_sigterm()
    {
        var directory = Directory.CreateTempSubdirectory("plural-audit-export-");
        try
        {
            var file = Path.Combine(directory.FullName, "audit.jsonl");
            var (gateway, agentUrl, httpUrl) = await platform.StartGatewayWithAsync("--Gateway:Audit:Export=file", $"--Gateway:Audit:ExportFile={file}");
            await using var gatewayProcess = gateway;
            var agent = await platform.RegisterAgentAsync("audit-export");
            await using var agentProcess = AgentProcess.Start(agent, agentUrl, platform.Upstream.Url, []);
            await agentProcess.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
            var issued = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "carol", Groups = { "ops" }, Agents = { agent.Name } });
            using var client = new HttpClient { BaseAddress = httpUrl, Timeout = TimeSpan.FromSeconds(30) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);

            using var first = await client.GetAsync($"/k8s-proxy/{agent.Name}/api/v1/namespaces/default/configmaps/first");
            await WaitForLinesAsync(file, agent.Name, 1);
            using var last = await client.DeleteAsync($"/k8s-proxy/{agent.Name}/api/v1/namespaces/default/configmaps/last");
            // Right after the answer: the record of the last request is written during shutdown if not before.
            await gateway.TerminateAsync(Eventually);

            var lines = await WaitForLinesAsync(file, agent.Name, 2);
            Assert.Equal([("get", "first"), ("delete", "last")], lines.Select(l => (Text(l, "verb"), Text(l, "name"))));
            Assert.All(lines, l =>
            {
                Assert.Equal(("plural.audit.v1", "carol", "user-token", "k8s-proxy"), (Text(l, "kind"), Text(l, "user"), Text(l, "callerKind"), Text(l, "route")));
                Assert.Equal("plural:user:carol", l.GetProperty("clusterIdentity").GetProperty("user").GetString());
                Assert.Equal("configmaps", Text(l, "resource"));
            });
            Assert.Equal((int)first.StatusCode, lines[0].GetProperty("status").GetInt32());
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Exported_to_stdout_each_record_is_one_line_a_shipper_tells_from_the_log_by_its_kind()
    {
        var (gateway, agentUrl, httpUrl) = await platform.StartGatewayWithAsync("--Gateway:Audit:Export=stdout");
        await using var gatewayProcess = gateway;
        var agent = await platform.RegisterAgentAsync("audit-stdout");
        await using var agentProcess = AgentProcess.Start(agent, agentUrl, platform.Upstream.Url, []);
        await agentProcess.Process.WaitForOutputAsync("Agent connected", PlatformFixture.StartTimeout);
        var issued = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "dave", Agents = { agent.Name } });
        using var client = new HttpClient { BaseAddress = httpUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);

        using var response = await client.GetAsync($"/k8s-proxy/{agent.Name}/api/v1/namespaces/default/pods");

        var marker = $"\"agent\":\"{agent.Name}\"";
        await gateway.WaitForOutputAsync(marker, Eventually);
        var line = gateway.Output.Split('\n').Single(l => l.Contains(marker, StringComparison.Ordinal));
        var json = JsonDocument.Parse(line).RootElement;
        Assert.Equal(("plural.audit.v1", "dave", "list", "pods"), (Text(json, "kind"), Text(json, "user"), Text(json, "verb"), Text(json, "resource")));
    }

    private static async Task<List<JsonElement>> WaitForLinesAsync(string file, string agent, int count)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (true)
        {
            var lines = File.Exists(file) ? await ReadSharedAsync(file) : [];
            var ours = lines.Where(l => l.Length > 0).Select(l => JsonDocument.Parse(l).RootElement).Where(l => Text(l, "agent") == agent).ToList();
            if (ours.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(ours.Count >= count, $"expected {count} exported records of {agent}, found {ours.Count}:\n{string.Join('\n', lines)}");
                return ours;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The complete lines: a line still being written has no line break yet and is left for the next read.</summary>
    private static async Task<string[]> ReadSharedAsync(string file)
    {
        using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete));
        return (await reader.ReadToEndAsync()).Split('\n')[..^1];
    }

    private static string? Text(JsonElement e, string name) => e.GetProperty(name).GetString();
}
