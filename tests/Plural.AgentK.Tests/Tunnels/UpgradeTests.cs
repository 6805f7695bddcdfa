using System.Text;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Tunnels;

public sealed class UpgradeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact(Timeout = 30_000)]
    public async Task An_upgraded_connection_carries_bytes_both_ways_until_the_gateway_ends_it()
    {
        await using var upstream = await FakeUpstream.StartAsync(EchoAfterUpgradeAsync);
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var slot = await gateway.TakeSlotAsync();
        await slot.SendAsync(new TunnelDown { RequestHead = UpgradeHead() });

        var head = await slot.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal(101, head?.ResponseHead?.Status);
        Assert.Contains(head!.ResponseHead.Headers, h => h.Name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase) && h.Values.Contains("echo"));

        foreach (var word in new[] { "ping", "second message" })
        {
            await slot.SendAsync(new TunnelDown { Body = new BodyChunk { Data = ByteString.CopyFromUtf8(word) } });
            Assert.Equal(word, await ReadTextAsync(slot, word.Length));
        }

        await slot.SendAsync(new TunnelDown { End = new RequestEnd() });
        var last = await slot.ReceiveAsync().WaitAsync(Timeout);
        Assert.Equal(TunnelUp.FrameOneofCase.End, last?.FrameCase);
        slot.Finish();
    }

    [Fact(Timeout = 30_000)]
    public async Task The_upstream_closing_an_upgraded_connection_ends_the_tunnel()
    {
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            await using var stream = await context.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
            await stream.WriteAsync("bye"u8.ToArray());
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var slot = await gateway.TakeSlotAsync();
        await slot.SendAsync(new TunnelDown { RequestHead = UpgradeHead() });
        var response = await slot.ReadResponseAsync().WaitAsync(Timeout);

        Assert.Equal(101, response.Status);
        Assert.Equal("bye", response.BodyText);
        Assert.True(response.Ended);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_upgrade_the_upstream_refuses_is_an_ordinary_response()
    {
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            context.Response.StatusCode = 400;
            await context.Response.WriteAsync("no upgrade for you");
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var response = await gateway.ForwardAsync(UpgradeHead());

        Assert.Equal(400, response.Status);
        Assert.Equal("no upgrade for you", response.BodyText);
        Assert.True(response.Ended);
    }

    private static RequestHead UpgradeHead()
    {
        var head = TunnelForwardingTests.Get("/api/v1/namespaces/default/pods/p/exec", "command=cat");
        head.Upgrade = true;
        head.Headers.Add(new HeaderField { Name = "Connection", Values = { "Upgrade" } });
        head.Headers.Add(new HeaderField { Name = "Upgrade", Values = { "echo" } });
        return head;
    }

    private static async Task EchoAfterUpgradeAsync(HttpContext context)
    {
        var upgrade = context.Features.Get<IHttpUpgradeFeature>()!;
        if (!upgrade.IsUpgradableRequest)
        {
            context.Response.StatusCode = 400;
            return;
        }

        context.Response.Headers.Upgrade = "echo";
        await using var stream = await upgrade.UpgradeAsync();
        var buffer = new byte[1024];
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            await stream.WriteAsync(buffer.AsMemory(0, read));
            await stream.FlushAsync();
        }
    }

    private static async Task<string> ReadTextAsync(FakeTunnelSlot slot, int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            var frame = await slot.ReceiveAsync().WaitAsync(Timeout);
            Assert.Equal(TunnelUp.FrameOneofCase.Body, frame?.FrameCase);
            text.Append(frame!.Body.Data.ToStringUtf8());
        }

        return text.ToString();
    }
}
