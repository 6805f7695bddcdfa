using System.Text.Json;
using Plural.EndToEnd.Tests.Cluster;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>
/// The Rails main application's side, played by a Ruby script with stock ruby-grpc over TLS with the gateway's CA: it
/// mints its own JWT, registers an agent, and once the test has started AgentK with the token the script wrote, lists, reads, queries and watches.
/// </summary>
[Collection(MainAppCollection.Name)]
public sealed class RubyMainAppClientTests(MainAppPlatform platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_ruby_client_registers_an_agent_and_reads_lists_queries_and_watches_it()
    {
        var work = Directory.CreateTempSubdirectory("plural-ruby-");
        try
        {
            await RubyScript.GenerateStubsAsync(work.FullName);
            await using var cluster = await EmulatedCluster.StartAsync();
            await cluster.CreateNamespaceAsync("shop");
            await cluster.CreateDeploymentAsync("shop", "web", replicas: 2);
            var name = MainAppPlatform.UniqueName("ruby");
            var tokenFile = Path.Combine(work.FullName, "agent-token");
            await using var script = RubyScript.Start("main_app_client.rb", new Dictionary<string, string>
            {
                ["PLURAL_API"] = platform.ApiUrl.Authority,
                ["PLURAL_CA_FILE"] = platform.Certificates.AuthorityFile,
                ["PLURAL_JWT_SECRET_FILE"] = platform.SecretFile,
                ["PLURAL_STUBS"] = work.FullName,
                ["PLURAL_AGENT_NAME"] = name,
                ["PLURAL_TOKEN_FILE"] = tokenFile,
            });

            var registered = await script.WaitForStepAsync("registered", Timeout);
            Assert.Equal(registered.GetProperty("token_id").GetString(), registered.GetProperty("retry_token_id").GetString());
            await using var agent = await platform.StartAgentAsync(name, (await File.ReadAllTextAsync(tokenFile)).Trim(),
                cluster.Server.Url, cluster.AgentArgs());
            await script.WaitForStepAsync("connected", Timeout);
            await script.WaitForStepAsync("watching", Timeout);

            // Changes until the script has its three events; each scale emits at least one.
            var replicas = 2;
            while (!script.HasExited && !script.Steps.Any(s => Step(s) is "resumed" or "error"))
            {
                await cluster.ScaleAsync("shop", "web", replicas = replicas % 4 + 1);
                await Task.Delay(TimeSpan.FromSeconds(1));
                Assert.True(replicas < 1000, "the script never finished watching:\n" + script.Output);
            }

            await script.WaitForStepAsync("done", Timeout);
            var listed = await script.WaitForStepAsync("listed", Timeout);
            Assert.Contains(name, listed.GetProperty("agents").EnumerateArray().Select(a => a.GetString()));
            Assert.Contains(name, listed.GetProperty("connected").EnumerateArray().Select(a => a.GetString()));
            var view = await script.WaitForStepAsync("view", Timeout);
            Assert.Equal(2, view.GetProperty("nodes").GetInt32());
            Assert.False(view.GetProperty("offline").GetBoolean());
            var query = await script.WaitForStepAsync("query", Timeout);
            Assert.Equal(2, query.GetProperty("count").GetInt32());
            Assert.All(query.GetProperty("pods").EnumerateArray(), p => Assert.StartsWith("web-", p.GetString()));

            var events = script.Steps.Where(s => Step(s) == "event").ToList();
            Assert.Equal(3, events.Count);
            var positions = events.Select(e => e.GetProperty("position").GetInt64()).ToList();
            Assert.Equal(positions.Order(), positions);
            Assert.All(events, e => Assert.Equal("shop", e.GetProperty("namespace").GetString()));
            var resumed = await script.WaitForStepAsync("resumed", Timeout);
            Assert.Equal(positions.Skip(1), resumed.GetProperty("positions").EnumerateArray().Select(p => p.GetInt64()));
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static string? Step(JsonElement line) => line.GetProperty("step").GetString();
}
