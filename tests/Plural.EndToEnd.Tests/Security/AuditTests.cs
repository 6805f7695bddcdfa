using System.Net;
using System.Net.Http.Headers;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Security;

/// <summary>Every request through <c>/k8s-proxy</c> leaves an audit entry: in the gateway's log and, per agent, in ServerApi.</summary>
[Collection(PlatformCollection.Name)]
public sealed class AuditTests(PlatformFixture platform)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Proxy_requests_are_listed_per_agent_with_who_what_and_how_it_ended_newest_first()
    {
        var agent = await platform.RegisterAgentAsync("audit");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var issued = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "alice", Groups = { "team-a" }, Agents = { agent.Name } });
        using var client = new HttpClient { BaseAddress = platform.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);

        using var get = await client.GetAsync($"/k8s-proxy/{agent.Name}/api/v1/namespaces/default/configmaps/settings");
        using var upload = await client.PostAsync($"/k8s-proxy/{agent.Name}/upload", new ByteArrayContent(new byte[1000]));
        using var download = await client.GetAsync($"/k8s-proxy/{agent.Name}/bytes/2000");
        using var watch = await client.GetAsync($"/k8s-proxy/{agent.Name}/apis/apps/v1/namespaces/prod/deployments?watch=true");
        using var forbidden = await client.DeleteAsync($"/k8s-proxy/not-{agent.Name}/api/v1/nodes");

        var events = await AuditOfAsync(agent.Name, count: 4);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        var (watched, downloaded, uploaded, got) = (events[0], events[1], events[2], events[3]);
        Assert.All(events, e =>
        {
            Assert.Equal("alice", e.User);
            Assert.Equal(["team-a"], e.Groups);
            Assert.Equal(agent.Name, e.Agent);
            Assert.Equal(platform.GatewayId, e.Gateway);
            Assert.False(string.IsNullOrEmpty(e.RequestId));
        });
        Assert.Equal(("get", "", "configmaps", "default", "settings", (int)get.StatusCode),
            (got.Verb, got.ApiGroup, got.Resource, got.Namespace, got.Name, got.Status));
        Assert.Equal(("post", "/upload", 1000L), (uploaded.Verb, uploaded.NonResourcePath, uploaded.BytesIn));
        Assert.Equal(("get", "/bytes/2000", 200, 2000L), (downloaded.Verb, downloaded.NonResourcePath, downloaded.Status, downloaded.BytesOut));
        Assert.Equal(("watch", "apps", "deployments", "prod", ""), (watched.Verb, watched.ApiGroup, watched.Resource, watched.Namespace, watched.Name));
        Assert.True(got.DurationMs > 0);
    }

    [Fact]
    public async Task Tokens_and_secrets_in_headers_query_strings_and_bodies_never_reach_the_audit_trail()
    {
        var agent = await platform.RegisterAgentAsync("audit-secret");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var issued = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "bob", Agents = { agent.Name } });
        using var client = new HttpClient { BaseAddress = platform.HttpUrl, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", issued.Token);
        const string inQuery = "query-secret-7f3a", inHeader = "header-secret-91c2", inBody = "body-secret-55d0";

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/k8s-proxy/{agent.Name}/api/v1/namespaces/default/secrets?token={inQuery}&access_token={inQuery}")
        {
            Content = new StringContent("{\"kind\":\"Secret\",\"data\":{\"password\":\"" + inBody + "\"}}"),
        };
        request.Headers.Add("X-Api-Key", inHeader);
        request.Headers.Add("Cookie", "session=" + inHeader);
        using var response = await client.SendAsync(request);

        var events = await AuditOfAsync(agent.Name, count: 1);
        Assert.Equal(("create", "secrets", "default"), (events[0].Verb, events[0].Resource, events[0].Namespace));
        await platform.Gateway.WaitForOutputAsync($"user bob", Eventually);
        var everything = string.Join('\n', events.Select(e => e.ToString())) + '\n' + platform.Gateway.Output;
        foreach (var secret in new[] { inQuery, inHeader, inBody, issued.Token })
        {
            Assert.DoesNotContain(secret, everything, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Listing_the_audit_of_a_badly_named_agent_is_InvalidArgument()
    {
        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () =>
            await platform.Api.ListAuditEventsAsync(new ListAuditEventsRequest { Agent = "Not A Name" }));

        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
    }

    [Theory]
    [InlineData("page_size", "page_size: must not be negative")]
    [InlineData("until", "until: must be after since")]
    [InlineData("page_token", "page_token: not a token this call returned")]
    public async Task Malformed_filters_and_page_tokens_are_InvalidArgument_naming_the_field(string field, string message)
    {
        var request = new ListAuditEventsRequest { Agent = "audit-filters" };
        switch (field)
        {
            case "page_size":
                request.PageSize = -1;
                break;
            case "until":
                request.Since = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow);
                request.Until = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow.AddMinutes(-1));
                break;
            default:
                request.PageToken = "42";
                break;
        }

        var error = await Assert.ThrowsAsync<Grpc.Core.RpcException>(async () => await platform.Api.ListAuditEventsAsync(request));

        Assert.Equal((Grpc.Core.StatusCode.InvalidArgument, message), (error.StatusCode, error.Status.Detail));
    }

    /// <summary>Waits until the agent's audit holds at least <paramref name="count"/> events (they arrive in batches).</summary>
    private async Task<IReadOnlyList<AuditEventInfo>> AuditOfAsync(string agent, int count)
    {
        var deadline = DateTime.UtcNow + Eventually;
        while (true)
        {
            var listed = await platform.Api.ListAuditEventsAsync(new ListAuditEventsRequest { Agent = agent, Limit = 50 });
            if (listed.Events.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.True(listed.Events.Count >= count, $"expected {count} audit events of {agent}, saw {listed.Events.Count}");
                return listed.Events;
            }

            await Task.Delay(200);
        }
    }
}
