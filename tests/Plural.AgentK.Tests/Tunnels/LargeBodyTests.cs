using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;
using Xunit.Abstractions;

namespace Plural.AgentK.Tests.Tunnels;

public sealed class LargeBodyTests(ITestOutputHelper output)
{
    private const int BodySize = 128 * 1024 * 1024;
    private const int Chunk = 64 * 1024;

    // Everything in this process (fake gateway and upstream included) streams; buffering either
    // body whole would show up as at least BodySize of live memory.
    private const long AllowedGrowth = 24 * 1024 * 1024;

    [Fact(Timeout = 120_000)]
    public async Task Large_bodies_stream_both_ways_with_bounded_memory()
    {
        await using var upstream = await FakeUpstream.StartAsync(async context =>
        {
            var buffer = new byte[Chunk];
            long received = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                received += read;
            }

            context.Response.Headers["X-Received"] = received.ToString();
            context.Response.ContentLength = BodySize;
            Array.Fill(buffer, (byte)'d');
            for (var sent = 0; sent < BodySize; sent += Chunk)
            {
                await context.Response.Body.WriteAsync(buffer);
            }
        });
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);
        var slot = await gateway.TakeSlotAsync();

        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - baseline);
                await Task.Delay(100);
            }
        });

        await slot.SendAsync(new TunnelDown
        {
            RequestHead = new RequestHead { RequestId = "big", Method = "PUT", Path = "/big", ContentLength = BodySize },
        });
        var upChunk = ByteString.CopyFrom(new byte[Chunk]);
        for (var sent = 0; sent < BodySize; sent += Chunk)
        {
            await slot.SendAsync(new TunnelDown { Body = new BodyChunk { Data = upChunk } });
        }

        await slot.SendAsync(new TunnelDown { End = new RequestEnd() });
        var response = await slot.ReadResponseAsync(Stream.Null).WaitAsync(TimeSpan.FromSeconds(90));
        slot.Finish();
        await sampling.CancelAsync();
        await sampler;

        output.WriteLine($"peak live memory growth: {peak / 1024} KiB");
        Assert.Equal(200, response.Status);
        Assert.Equal([BodySize.ToString()], response.Headers["X-Received"]);
        Assert.Equal(BodySize, response.BodyLength);
        Assert.True(response.Ended);
        Assert.True(peak < AllowedGrowth, $"live memory grew by {peak / 1024 / 1024} MB while moving {BodySize / 1024 / 1024} MB each way");
    }
}
