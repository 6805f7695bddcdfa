using System.Threading.Channels;
using Google.Protobuf;
using Grpc.Core;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Tests.Proxy;

/// <summary>
/// The agent's side of one tunnel stream: silent until a request head arrives, then the frames the test sends, one
/// at a time, so that a test decides when the answer starts, flows and ends.
/// </summary>
internal sealed class FakeAgent : IAsyncStreamReader<TunnelUp>, IServerStreamWriter<TunnelDown>
{
    private readonly TaskCompletionSource<RequestHead> _requested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<TunnelUp> _frames = Channel.CreateUnbounded<TunnelUp>();
    private long _uploaded;

    public bool SawRequest => _requested.Task.IsCompleted;

    public Task<RequestHead> Request => _requested.Task;

    public TunnelUp Current { get; private set; } = null!;

    /// <summary>Body bytes the gateway sent down (a request body, or what the caller wrote on an upgraded connection).</summary>
    public long Uploaded => Interlocked.Read(ref _uploaded);

    public WriteOptions? WriteOptions { get; set; }

    public FakeAgent Head(int status)
    {
        _frames.Writer.TryWrite(new TunnelUp { ResponseHead = new ResponseHead { Status = status } });
        return this;
    }

    public FakeAgent Body(string text)
    {
        _frames.Writer.TryWrite(new TunnelUp { Body = new BodyChunk { Data = ByteString.CopyFromUtf8(text) } });
        return this;
    }

    public FakeAgent End()
    {
        _frames.Writer.TryWrite(new TunnelUp { End = new ResponseEnd() });
        return this;
    }

    public FakeAgent Answer(string text) => Head(200).Body(text).End();

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        await _requested.Task.WaitAsync(cancellationToken);
        Current = await _frames.Reader.ReadAsync(cancellationToken);
        return true;
    }

    public Task WriteAsync(TunnelDown message)
    {
        if (message.FrameCase == TunnelDown.FrameOneofCase.RequestHead)
        {
            _requested.TrySetResult(message.RequestHead);
        }
        else if (message.FrameCase == TunnelDown.FrameOneofCase.Body)
        {
            Interlocked.Add(ref _uploaded, message.Body.Data.Length);
        }

        return Task.CompletedTask;
    }

    public Task WriteAsync(TunnelDown message, CancellationToken cancellationToken) => WriteAsync(message);
}
