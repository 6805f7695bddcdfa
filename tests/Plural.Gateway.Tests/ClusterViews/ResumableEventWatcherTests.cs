using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Plural.Gateway.ClusterViews;
using Plural.Gateway.Tests.Cable;
using Plural.Protocol.Server;

namespace Plural.Gateway.Tests.ClusterViews;

/// <summary><c>WatchClusterEvents</c> as a caller sees it: events in position order, and a typed gap, never silence, when the log lost some.</summary>
public sealed class ResumableEventWatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Events_arrive_in_position_order_from_where_the_caller_left_off()
    {
        var grains = new GrainStubs();
        var log = new FakeEventLog(start: 1000).Serve(grains);
        var first = log.Append("prod", "a");
        log.Append("prod", "b");
        log.Append("prod", "c");
        var watch = Watch(grains, first);

        var received = await watch.NextAsync(2);

        Assert.Equal(["b", "c"], received.Select(e => e.Name));
        Assert.Equal([first + 1, first + 2], received.Select(e => e.Position));
        Assert.All(received, e => Assert.Null(e.Gap));
        await watch.StopAsync();
    }

    [Fact]
    public async Task After_the_log_lost_its_events_the_caller_gets_a_typed_gap_and_then_the_new_events()
    {
        var grains = new GrainStubs();
        var log = new FakeEventLog(start: 1000).Serve(grains);
        var seen = log.Append("prod", "a");
        var watch = Watch(grains, seen);

        // The log's silo died: a new activation numbers from a later start and holds nothing of before.
        log.Restart(start: 5000);
        var gap = (await watch.NextAsync(1)).Single();
        var next = log.Append("prod", "after-restart");
        var after = (await watch.NextAsync(1)).Single();

        Assert.NotNull(gap.Gap);
        Assert.Equal(seen, gap.Gap.AfterPosition);
        Assert.Equal(5000, gap.Position);
        Assert.Contains("no longer holds the events after", gap.Gap.Reason);
        Assert.Equal("", gap.Name);
        Assert.Equal(("after-restart", next), (after.Name, after.Position));
        Assert.Null(after.Gap);
        await watch.StopAsync();
    }

    [Fact]
    public async Task Reads_that_fail_while_the_log_moves_to_another_silo_are_repeated_and_the_caller_misses_nothing()
    {
        var grains = new GrainStubs();
        var log = new FakeEventLog(start: 1000).Serve(grains);
        var seen = log.Append("prod", "a");
        log.FailNextReads(3);
        var watch = Watch(grains, seen);

        log.Append("prod", "b");
        log.Append("prod", "c");
        var received = await watch.NextAsync(2);

        Assert.Equal(["b", "c"], received.Select(e => e.Name));
        Assert.All(received, e => Assert.Null(e.Gap));
        Assert.Equal([seen, seen, seen], log.FailedReadsAfter.Take(3));
        Assert.False(watch.Running.IsCompleted, "the watch ended instead of reading again");
        await watch.StopAsync();
    }

    private static RunningWatch Watch(GrainStubs grains, long afterPosition)
    {
        var writer = new RecordingWriter();
        var context = new TestCallContext();
        var running = new ResumableEventWatcher(grains.Factory, NullLogger<ResumableEventWatcher>.Instance)
            .WatchAsync(new WatchClusterEventsRequest { Name = "prod", AfterPosition = afterPosition }, writer, context);
        return new RunningWatch(writer, context, running);
    }

    private sealed record RunningWatch(RecordingWriter Writer, TestCallContext Context, Task Running)
    {
        public async Task<IReadOnlyList<ClusterEventInfo>> NextAsync(int count)
        {
            var taken = new List<ClusterEventInfo>();
            while (taken.Count < count)
            {
                var next = Writer.Written.Reader.ReadAsync().AsTask();
                if (await Task.WhenAny(next, Running, Task.Delay(Patience)) != next)
                {
                    // The watch ended (its exception says why) or never wrote.
                    await Running.WaitAsync(TimeSpan.Zero);
                    throw new TimeoutException($"no message within {Patience}; the watch is still running");
                }

                taken.Add(await next);
            }

            return taken;
        }

        public async Task StopAsync()
        {
            await Context.Cancel.CancelAsync();
            await Running.WaitAsync(Patience);
        }
    }

    private sealed class RecordingWriter : IServerStreamWriter<ClusterEventInfo>
    {
        public System.Threading.Channels.Channel<ClusterEventInfo> Written { get; } = System.Threading.Channels.Channel.CreateUnbounded<ClusterEventInfo>();

        public WriteOptions? WriteOptions { get; set; }

        public Task WriteAsync(ClusterEventInfo message) => WriteAsync(message, CancellationToken.None);

        // The watcher writes with the call's token, as ASP.NET Core's writer allows.
        public Task WriteAsync(ClusterEventInfo message, CancellationToken cancellationToken) =>
            Written.Writer.WriteAsync(message, cancellationToken).AsTask();
    }

    private sealed class TestCallContext : ServerCallContext
    {
        public CancellationTokenSource Cancel { get; } = new();

        protected override string MethodCore => "/plural.server.v1.ServerApi/WatchClusterEvents";
        protected override string HostCore => "127.0.0.1";
        protected override string PeerCore => "ipv4:127.0.0.1:1";
        protected override DateTime DeadlineCore => DateTime.MaxValue;
        protected override Metadata RequestHeadersCore { get; } = [];
        protected override CancellationToken CancellationTokenCore => Cancel.Token;
        protected override Metadata ResponseTrailersCore { get; } = [];
        protected override Status StatusCore { get; set; }
        protected override WriteOptions? WriteOptionsCore { get; set; }
        protected override AuthContext AuthContextCore { get; } = new(null, []);

        protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

        protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
    }
}
