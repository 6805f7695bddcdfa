using Plural.Gateway.Proxy;

namespace Plural.Gateway.Tests.Proxy;

public sealed class ObservedStreamTests
{
    private readonly SteppingClock _clock = new();

    [Fact]
    public async Task Reads_pass_through_and_are_counted_with_the_time_they_returned_bytes()
    {
        var observed = new ObservedStream(new MemoryStream("hello world"u8.ToArray()), _clock);
        var created = observed.LastActivity;
        var buffer = new byte[5];

        _clock.Step();
        var first = await observed.ReadAsync(buffer);
        var afterFirst = observed.LastActivity;
        _clock.Step();
        var rest = observed.Read(new byte[64], 0, 64);

        Assert.Equal(5, first);
        Assert.Equal("hello"u8.ToArray(), buffer);
        Assert.Equal(6, rest);
        Assert.Equal(11, observed.Bytes);
        Assert.True(afterFirst > created);
        Assert.True(observed.LastActivity > afterFirst);
    }

    [Fact]
    public async Task The_end_of_a_body_is_not_activity()
    {
        var observed = new ObservedStream(new MemoryStream("abc"u8.ToArray()), _clock);
        Assert.Equal(3, await observed.ReadAsync(new byte[8]));
        var lastByte = observed.LastActivity;

        _clock.Step();
        var end = await observed.ReadAsync(new byte[8]);

        Assert.Equal(0, end);
        Assert.Equal(3, observed.Bytes);
        Assert.Equal(lastByte, observed.LastActivity);
    }

    [Fact]
    public async Task Writes_pass_through_and_are_counted_each_way_of_writing()
    {
        var inner = new MemoryStream();
        var observed = new ObservedStream(inner, _clock);

        await observed.WriteAsync("one "u8.ToArray());
        await observed.WriteAsync("two "u8.ToArray(), 0, 4);
        observed.Write("three"u8.ToArray(), 0, 5);
        _clock.Step();
        var beforeEmptyWrite = observed.LastActivity;
        _clock.Step();
        await observed.WriteAsync(ReadOnlyMemory<byte>.Empty);

        Assert.Equal("one two three"u8.ToArray(), inner.ToArray());
        Assert.Equal(13, observed.Bytes);
        // An empty write is how a response's head is flushed: it shows the request is alive.
        Assert.True(observed.LastActivity > beforeEmptyWrite);
    }

    [Fact]
    public void A_stream_nothing_moved_on_was_last_active_when_it_was_created()
    {
        _clock.Step();
        var observed = new ObservedStream(Stream.Null, _clock);

        Assert.Equal(0, observed.Bytes);
        Assert.Equal(_clock.GetTimestamp(), observed.LastActivity);
    }

    /// <summary>Timestamps that move only when the test says so.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _timestamp = 1_000;

        public override long GetTimestamp() => Interlocked.Read(ref _timestamp);

        public void Step() => Interlocked.Add(ref _timestamp, TimestampFrequency);
    }
}
