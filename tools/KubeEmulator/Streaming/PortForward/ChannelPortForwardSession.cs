using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Streaming.WebSockets;

namespace Plural.KubeEmulator.Streaming.PortForward;

/// <summary>
/// The kubelet's WebSocket port-forward (channel protocols <c>v4.channel.k8s.io</c>,
/// <c>v4.base64.channel.k8s.io</c> or none), as client libraries such as KubernetesClient use it: one
/// connection per port listed in the <c>ports</c> query, port i on data channel 2i and error channel
/// 2i+1, each channel opened by the port number as two little-endian bytes. The session ends when
/// every forwarded connection has ended or the client closes the WebSocket.
/// </summary>
internal sealed class ChannelPortForwardSession
{
    private readonly ChannelConnection _connection;
    private readonly IReadOnlyList<int> _ports;
    private readonly PortForwardTarget _target;
    private readonly Pipe[] _inputs;
    private int _inputsDone;

    public ChannelPortForwardSession(ChannelConnection connection, IReadOnlyList<int> ports, PortForwardTarget target)
    {
        _connection = connection;
        _ports = ports;
        _target = target;
        _inputs = ports.Select(_ => new Pipe(new PipeOptions(pauseWriterThreshold: StreamingLimits.InboundBufferBytes, resumeWriterThreshold: StreamingLimits.InboundBufferBytes / 2, useSynchronizationContext: false))).ToArray();
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (var i = 0; i < _ports.Count; i++)
        {
            var port = new byte[2];
            BinaryPrimitives.WriteUInt16LittleEndian(port, (ushort)_ports[i]);
            await _connection.SendAsync((byte)(2 * i), port, stop.Token);
            await _connection.SendAsync((byte)(2 * i + 1), port, stop.Token);
        }
        var receiving = ReceiveAsync(stop.Token);
        await Task.WhenAll(_ports.Select((port, i) => ForwardAsync(i, port, stop.Token)));
        await _connection.CloseAsync(stop.Token);
        await Task.WhenAny(receiving, Task.Delay(StreamingLimits.FinishTimeout, stop.Token));
        await stop.CancelAsync();
        _connection.Abort();
        await receiving;
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _connection.ReceiveAsync(async (channel, payload, ct) =>
            {
                // Only data channels carry client bytes; anything else is dropped, as by the kubelet.
                if (channel % 2 == 0 && channel / 2 < _inputs.Length && Volatile.Read(ref _inputsDone) == 0)
                {
                    await _inputs[channel / 2].Writer.WriteAsync(payload, ct);
                }
                return null;
            }, cancellationToken);
        }
        finally
        {
            Interlocked.Exchange(ref _inputsDone, 1);
            foreach (var input in _inputs) await input.Writer.CompleteAsync();
        }
    }

    private async Task ForwardAsync(int index, int port, CancellationToken cancellationToken)
    {
        var data = new DuplexChannelStream(_inputs[index].Reader, _connection, (byte)(2 * index));
        try
        {
            if (!_target.IsRunning())
            {
                var message = $"error forwarding port {port} to pod {_target.PodName}, uid {_target.Uid}: pod is not running";
                await _connection.SendAsync((byte)(2 * index + 1), Encoding.UTF8.GetBytes(message), cancellationToken);
                return;
            }
            await PodPortServer.ServeAsync(data, _target.Namespace, _target.PodName, port, _target.Time, cancellationToken);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException)
        {
            // The client went away; the forward ends with it.
        }
        finally
        {
            await _inputs[index].Reader.CompleteAsync();
        }
    }

    /// <summary>One port's connection: reads what the client sent on its data channel, writes back on the same channel.</summary>
    private sealed class DuplexChannelStream(PipeReader input, ChannelConnection connection, byte channel) : AsyncOnlyStream
    {
        private readonly Stream _input = input.AsStream(leaveOpen: true);

        public override bool CanRead => true;

        public override bool CanWrite => true;

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _input.ReadAsync(buffer, cancellationToken);

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!buffer.IsEmpty) await connection.SendAsync(channel, buffer, cancellationToken);
        }
    }
}
