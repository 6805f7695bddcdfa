using Microsoft.AspNetCore.Http;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>A route's target and identity crossing the private hop between gateways.</summary>
public sealed class TunnelRouteHeadersTests
{
    [Fact]
    public void A_route_with_an_identity_arrives_at_the_peer_unchanged()
    {
        var identity = new Impersonation { User = "alice@example.com", Uid = "u-1" };
        identity.Groups.AddRange(["dev, ops", "system:authenticated", "ünïcode"]);
        identity.Extra.Add(new HeaderField { Name = "scopes/v1", Values = { "read,write", "admin" } });
        var sent = new TunnelRoute("agent-a", "/api", RequestTarget.Agent, identity);

        var received = RoundTrip(sent);

        Assert.Equal("agent-a", received.AgentName);
        Assert.Equal("/api", received.Path);
        Assert.Equal(RequestTarget.Agent, received.Target);
        Assert.Equal(identity, received.Impersonation);
    }

    [Fact]
    public void A_forwarded_route_carries_what_is_left_of_the_senders_wait_in_whole_milliseconds()
    {
        var received = RoundTrip(new TunnelRoute("agent-a", "/api", WaitBudget: TimeSpan.FromMilliseconds(1234.9)));

        Assert.Equal(TimeSpan.FromMilliseconds(1234), received.WaitBudget);
        Assert.Null(RoundTrip(new TunnelRoute("agent-a", "/api")).WaitBudget);
    }

    [Fact]
    public void A_route_without_headers_goes_upstream_as_the_agent_itself()
    {
        var route = TunnelRouteHeaders.Read("agent-a", "/api", new HeaderDictionary());

        Assert.Equal(RequestTarget.Upstream, route.Target);
        Assert.Null(route.Impersonation);
    }

    [Fact]
    public void An_upstream_route_without_identity_writes_no_headers()
    {
        using var request = new HttpRequestMessage();

        TunnelRouteHeaders.Write(new TunnelRoute("agent-a", "/api"), request.Headers);

        Assert.Empty(request.Headers);
    }

    [Fact]
    public void Route_headers_never_reach_an_agent()
    {
        using var request = new HttpRequestMessage();
        var identity = new Impersonation { User = "alice", Uid = "u" };
        identity.Groups.Add("dev");
        identity.Extra.Add(new HeaderField { Name = "k", Values = { "v" } });
        TunnelRouteHeaders.Write(new TunnelRoute("agent-a", "/", RequestTarget.Agent, identity, TimeSpan.FromSeconds(1)), request.Headers);

        Assert.NotEmpty(request.Headers);
        Assert.All(request.Headers, h => Assert.False(HttpHeaderFilter.IsForwardable(h.Key), h.Key));
    }

    private static TunnelRoute RoundTrip(TunnelRoute route)
    {
        using var request = new HttpRequestMessage();
        TunnelRouteHeaders.Write(route, request.Headers);
        // What the peer's Kestrel sees: HttpClient joins the values of one header with ", ".
        var headers = new HeaderDictionary();
        foreach (var (name, values) in request.Headers)
        {
            headers[name] = string.Join(", ", values);
        }

        return TunnelRouteHeaders.Read(route.AgentName, route.Path, headers);
    }
}
