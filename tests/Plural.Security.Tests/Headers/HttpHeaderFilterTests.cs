using Microsoft.AspNetCore.Http;
using Plural.Gateway.Tunnels;
using Plural.Protocol.Agent;

namespace Plural.Security.Tests.Headers;

/// <summary>What crosses from a caller to an agent: never credentials, hop-by-hop headers, or headers the caller declared hop-by-hop.</summary>
public sealed class HttpHeaderFilterTests
{
    [Fact]
    public void Headers_named_in_connection_and_credentials_do_not_cross_to_the_agent()
    {
        var headers = new HeaderDictionary
        {
            ["Connection"] = "keep-alive, X-Hop, impersonate-user",
            ["X-Hop"] = "this hop only",
            ["Impersonate-User"] = "listed in connection",
            ["Authorization"] = "Bearer secret",
            ["Cookie"] = "session=secret",
            ["Proxy-Authorization"] = "Basic secret",
            ["X-Plural-Agent"] = "spoofed",
            ["Accept"] = "application/json",
        };

        var forwarded = ForwardedToAgent(headers, upgrade: false).Select(h => h.Name).ToList();

        Assert.Equal(["Accept"], forwarded);
    }

    [Fact]
    public void An_upgrade_keeps_its_handshake_headers_even_though_connection_names_them()
    {
        var headers = new HeaderDictionary
        {
            ["Connection"] = "Upgrade",
            ["Upgrade"] = "websocket",
            ["Sec-WebSocket-Protocol"] = "v4.channel.k8s.io",
        };

        var forwarded = ForwardedToAgent(headers, upgrade: true).Select(h => h.Name).Order().ToList();

        Assert.Equal(["Connection", "Sec-WebSocket-Protocol", "Upgrade"], forwarded);
    }

    private static Google.Protobuf.Collections.RepeatedField<HeaderField> ForwardedToAgent(IHeaderDictionary headers, bool upgrade)
    {
        var fields = new Google.Protobuf.Collections.RepeatedField<HeaderField>();
        HttpHeaderFilter.CopyForAgent(headers, upgrade, fields);
        return fields;
    }
}
