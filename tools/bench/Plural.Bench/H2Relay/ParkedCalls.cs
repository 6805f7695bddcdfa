using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http;

namespace Plural.Bench.H2Relay;

/// <summary>The calls the gateway side holds, by id, and the notices the agent side has yet to read.</summary>
public sealed class ParkedCalls
{
    private readonly ConcurrentDictionary<string, ParkedCall> _calls = new(StringComparer.Ordinal);
    private readonly Channel<CallNotice> _notices = Channel.CreateUnbounded<CallNotice>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Notices in the order the calls came, for the agent side's notice stream.</summary>
    public ChannelReader<CallNotice> Notices => _notices.Reader;

    /// <summary>Parks a caller under a new random id and queues its notice.</summary>
    public ParkedCall Park(HttpContext caller)
    {
        var call = new ParkedCall(Guid.NewGuid().ToString("N"), caller);
        _calls[call.Id] = call;
        var request = caller.Request;
        _notices.Writer.TryWrite(new CallNotice(call.Id, request.Method, request.ContentLength, $"{request.Path}{request.QueryString}"));
        return call;
    }

    /// <summary>The parked call of that id, or null when there is none (answered, or its caller left).</summary>
    public ParkedCall? Find(string id) => _calls.GetValueOrDefault(id);

    /// <summary>Forgets a call once its caller's handler is done with it.</summary>
    public void Remove(ParkedCall call) => _calls.TryRemove(call.Id, out _);
}
