using Microsoft.AspNetCore.Http;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Tunnels;

/// <summary>Which headers cross the tunnel in each direction (RFC 9110 section 7.6.1).</summary>
public sealed class HttpHeaderFilterTests
{
    [Theory]
    [InlineData("Connection")]
    [InlineData("keep-alive")]
    [InlineData("Proxy-Connection")]
    [InlineData("Proxy-Authorization")]
    [InlineData("TE")]
    [InlineData("Trailer")]
    [InlineData("transfer-encoding")]
    [InlineData("Upgrade")]
    [InlineData("Host")]
    [InlineData("Authorization")]
    [InlineData("cookie")]
    [InlineData(":authority")]
    [InlineData("Plural-Target")]
    [InlineData("plural-impersonate-user")]
    [InlineData("X-Plural-Peer")]
    public void Hop_by_hop_credential_and_platform_headers_are_not_forwarded(string name)
    {
        Assert.False(HttpHeaderFilter.IsForwardable(name));
    }

    [Theory]
    [InlineData("Accept")]
    [InlineData("Content-Type")]
    [InlineData("Impersonate-User")]
    [InlineData("X-Request-Id")]
    public void End_to_end_headers_are_forwarded(string name)
    {
        Assert.True(HttpHeaderFilter.IsForwardable(name));
    }

    [Fact]
    public void Headers_the_caller_names_in_Connection_stay_behind()
    {
        var headers = new HeaderDictionary
        {
            ["Connection"] = "close, X-Hop , x-other",
            ["X-Hop"] = "1",
            ["X-Other"] = "2",
            ["X-Kept"] = "3",
        };

        var forwarded = ForwardedToAgent(headers, upgrade: false).Select(f => f.Name);

        Assert.Equal(["X-Kept"], forwarded);
    }

    [Fact]
    public void An_upgrade_carries_its_handshake_headers_but_still_no_credentials()
    {
        var headers = new HeaderDictionary
        {
            ["Connection"] = "Upgrade",
            ["Upgrade"] = "SPDY/3.1",
            ["Authorization"] = "Bearer secret",
            ["X-Stream-Protocol-Version"] = "v4.channel.k8s.io",
        };

        var forwarded = ForwardedToAgent(headers, upgrade: true).ToDictionary(f => f.Name, f => f.Values.Single());

        Assert.Equal(["Connection", "Upgrade", "X-Stream-Protocol-Version"], forwarded.Keys.Order());
        Assert.Equal("SPDY/3.1", forwarded["Upgrade"]);
    }

    [Fact]
    public void Repeated_header_values_cross_as_one_field_with_every_value()
    {
        var headers = new HeaderDictionary { ["Impersonate-Group"] = new(["dev", "ops"]) };

        var field = Assert.Single(ForwardedToAgent(headers, upgrade: false));

        Assert.Equal(["dev", "ops"], field.Values);
    }

    [Fact]
    public void A_switching_response_keeps_its_handshake_headers_except_Connection()
    {
        var response = new DefaultHttpContext().Response;

        HttpHeaderFilter.CopyToSwitchingResponse(
            [Field("Connection", "Upgrade"), Field("Upgrade", "SPDY/3.1"), Field("X-Stream-Protocol-Version", "v4"), Field("bad name", "x")],
            response);

        Assert.Equal(["Upgrade", "X-Stream-Protocol-Version"], response.Headers.Keys.Order());
    }

    [Fact]
    public void A_peer_gateways_response_headers_lose_their_hop_by_hop_ones()
    {
        var response = new DefaultHttpContext().Response;

        HttpHeaderFilter.CopyToResponse(
            [new("Transfer-Encoding", ["chunked"]), new("Keep-Alive", ["timeout=5"]), new KeyValuePair<string, IEnumerable<string>>("Audit-Id", ["a1"])],
            response);

        Assert.Equal(["Audit-Id"], response.Headers.Keys);
    }

    [Theory]
    [InlineData("Impersonate-User", true)]
    [InlineData("impersonate-extra-scopes", true)]
    [InlineData("Plural-Impersonate-User", false)]
    [InlineData("X-Impersonate-User", false)]
    public void Impersonation_headers_are_recognised_by_prefix(string name, bool expected)
    {
        Assert.Equal(expected, HttpHeaderFilter.IsImpersonationHeader(name));
    }

    private static HeaderField Field(string name, string value) => new() { Name = name, Values = { value } };

    private static Google.Protobuf.Collections.RepeatedField<HeaderField> ForwardedToAgent(IHeaderDictionary headers, bool upgrade)
    {
        var fields = new Google.Protobuf.Collections.RepeatedField<HeaderField>();
        HttpHeaderFilter.CopyForAgent(headers, upgrade, fields);
        return fields;
    }
}
