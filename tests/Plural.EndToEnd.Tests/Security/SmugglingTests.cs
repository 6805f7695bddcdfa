using System.Net;
using System.Net.Http.Headers;
using Plural.EndToEnd.Tests.Infrastructure;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Security;

/// <summary>
/// Header smuggling through the Kubernetes proxy. The gateway re-frames every request into tunnel frames, so the
/// upstream can only ever see requests the gateway accepted and authenticated; these tests hold that at the upstream.
/// Each smuggled request carries no credential, so the only way it could reach the upstream is inside another one.
/// </summary>
[Collection(PlatformCollection.Name)]
public sealed class SmugglingTests(PlatformFixture platform)
{
    private static readonly TimeSpan Eventually = TimeSpan.FromSeconds(30);

    public static TheoryData<string> ConflictingFraming => new()
    {
        "Content-Length: {length}\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nContent-Length: {length}\r\n",
        "Content-Length: {length}\r\nTransfer-Encoding: xchunked\r\n",
        "Content-Length: {length}\r\nTransfer-Encoding : chunked\r\n",
        "Content-Length: {length}\r\nContent-Length: 0\r\n",
        "Content-Length: {length}\r\nTransfer-Encoding: chunked, identity\r\n",
    };

    [Theory]
    [MemberData(nameof(ConflictingFraming))]
    public async Task Conflicting_content_length_and_transfer_encoding_never_smuggle_a_request_to_the_upstream(string framing)
    {
        var (agent, token) = await AgentAsync("smuggle-cl");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var id = Guid.NewGuid().ToString("N");
        var body = $"0\r\n\r\nGET /k8s-proxy/{agent.Name}/echo/smuggled-{id} HTTP/1.1\r\nHost: gateway\r\n\r\n";
        using var timeout = new CancellationTokenSource(Eventually);
        using var connection = await RawHttpConnection.OpenAsync(platform.HttpUrl, timeout.Token);

        await connection.SendAsync($"POST /k8s-proxy/{agent.Name}/echo/front-{id} HTTP/1.1\r\nHost: gateway\r\n" +
            $"Authorization: Bearer {token}\r\n{framing.Replace("{length}", body.Length.ToString())}Connection: close\r\n\r\n{body}", timeout.Token);
        var answer = await connection.ReadToCloseAsync(timeout.Token);

        Assert.StartsWith("HTTP/1.1 ", answer);
        Assert.DoesNotContain(platform.Upstream.SeenRequests, r => r.Contains("smuggled-" + id, StringComparison.Ordinal));
        Assert.True(platform.Upstream.SeenRequests.Count(r => r.Contains("front-" + id, StringComparison.Ordinal)) <= 1);
    }

    [Theory]
    [InlineData("X-Note: a\nImpersonate-User: system:admin\r\n")]
    [InlineData("X-Note: a\rImpersonate-User: system:admin\r\n")]
    [InlineData("X-Note: a\r\n Impersonate-User: system:admin\r\n")]
    [InlineData("Impersonate-User\r\n : system:admin\r\n")]
    public async Task Line_breaks_inside_header_values_are_refused_and_never_become_headers_at_the_upstream(string header)
    {
        var (agent, token) = await AgentAsync("smuggle-crlf");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var id = Guid.NewGuid().ToString("N");
        using var timeout = new CancellationTokenSource(Eventually);
        using var connection = await RawHttpConnection.OpenAsync(platform.HttpUrl, timeout.Token);

        await connection.SendAsync($"GET /k8s-proxy/{agent.Name}/echo/crlf-{id} HTTP/1.1\r\nHost: gateway\r\n" +
            $"Authorization: Bearer {token}\r\n{header}Connection: close\r\n\r\n", timeout.Token);
        var answer = await connection.ReadToCloseAsync(timeout.Token);

        Assert.StartsWith("HTTP/1.1 400", answer);
        Assert.DoesNotContain(platform.Upstream.SeenRequests, r => r.Contains("crlf-" + id, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("iMPERSONATE-uSER", "system:admin")]
    [InlineData("impersonate-group", "system:masters")]
    [InlineData("IMPERSONATE-UID", "0")]
    [InlineData("Impersonate-Extra-Scopes", "cluster-admin")]
    public async Task Impersonation_headers_in_any_spelling_are_refused_when_the_agent_chooses_the_identity(string name, string value)
    {
        var (agent, token) = await AgentAsync("smuggle-imp");
        await using var agentProcess = await platform.StartAgentAsync(agent);
        var id = Guid.NewGuid().ToString("N");
        using var client = Client(token);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/k8s-proxy/{agent.Name}/echo/imp-{id}");
        request.Headers.TryAddWithoutValidation(name, value);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(platform.Upstream.SeenRequests, r => r.Contains("imp-" + id, StringComparison.Ordinal));
    }

    private async Task<(RegisteredAgent Agent, string Token)> AgentAsync(string prefix)
    {
        var agent = await platform.RegisterAgentAsync(prefix);
        var issued = await platform.Api.IssueUserTokenAsync(new IssueUserTokenRequest { User = "mallory", Agents = { agent.Name } });
        return (agent, issued.Token);
    }

    private HttpClient Client(string token, Uri? gateway = null)
    {
        var client = new HttpClient { BaseAddress = gateway ?? platform.HttpUrl, Timeout = Eventually };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
