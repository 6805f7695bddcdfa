using Orleans.Storage;

namespace Plural.Grains.Agents;

/// <summary>
/// The sealed segments of one agent's event log, in the grain storage the log's head uses, one state name per slot
/// (<c>eventLogSegment0</c> …): a segment is written once, when it is sealed, and read when the log activates.
/// </summary>
internal sealed class EventLogSegmentStore(IGrainStorage storage, GrainId grainId)
{
    /// <summary>Events in the open segment that seal it; the head rewritten on every append holds fewer than this.</summary>
    public const int SegmentSize = 100;

    /// <summary>Sealed segments kept: together with the open one they hold at least <see cref="IAgentEventLogGrain.Capacity"/> events.</summary>
    public const int KeptSegments = (IAgentEventLogGrain.Capacity + SegmentSize - 1) / SegmentSize;

    // One slot more than is kept: sealing segment n overwrites segment n - Slots, already outside the kept range, so a
    // crash between a segment's write and the head's leaves every kept segment whole.
    private const int Slots = KeptSegments + 1;

    private readonly Dictionary<int, GrainState<AgentEventLogSegment>> _slots = [];

    /// <summary>The events of the kept segments when <paramref name="sealedCount"/> segments were sealed, oldest first.</summary>
    public async Task<List<LoggedClusterEvent>> ReadKeptAsync(long sealedCount)
    {
        var numbers = Enumerable.Range(0, KeptSegments).Select(i => sealedCount - KeptSegments + i).Where(n => n >= 0).ToList();
        var segments = await Task.WhenAll(numbers.Select(ReadAsync));
        // A slot holding another segment than expected lost its write; the log then vouches only from after it.
        var whole = segments.Reverse().TakeWhile(s => s.Found).Reverse();
        return [.. whole.SelectMany(s => s.Events)];
    }

    /// <summary>Stores <paramref name="events"/> as segment <paramref name="number"/>.</summary>
    public async Task WriteAsync(long number, List<LoggedClusterEvent> events)
    {
        var slot = Slot(number);
        if (!_slots.TryGetValue(slot, out var state))
        {
            // Its ETag is needed to overwrite what an earlier activation wrote there.
            state = new GrainState<AgentEventLogSegment>(new AgentEventLogSegment());
            await storage.ReadStateAsync(StateName(slot), grainId, state);
            _slots[slot] = state;
        }

        state.State = new AgentEventLogSegment { Number = number, Events = events };
        await storage.WriteStateAsync(StateName(slot), grainId, state);
    }

    private async Task<(bool Found, List<LoggedClusterEvent> Events)> ReadAsync(long number)
    {
        var slot = Slot(number);
        var state = new GrainState<AgentEventLogSegment>(new AgentEventLogSegment());
        await storage.ReadStateAsync(StateName(slot), grainId, state);
        _slots[slot] = state;
        return state.RecordExists && state.State is { } segment && segment.Number == number ? (true, segment.Events) : (false, []);
    }

    private static int Slot(long number) => (int)(number % Slots);

    private static string StateName(int slot) => "eventLogSegment" + slot.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
