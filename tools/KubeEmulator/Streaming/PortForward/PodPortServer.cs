using System.Globalization;
using System.Text;

namespace Plural.KubeEmulator.Streaming.PortForward;

/// <summary>
/// What listens on every port of an emulated pod. A connection whose first bytes start an HTTP/1.x
/// request is served as HTTP: each request gets <c>200 OK</c> with a short text naming the pod, its
/// namespace and the port (keep-alive honoured). Any other connection is an echo server. Either way the
/// connection ends when the client closes its side.
/// </summary>
internal static class PodPortServer
{
    private const int MaxHeadBytes = 16 * 1024;
    private const int MaxBodyBytes = 1024 * 1024;
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"];

    public static async Task ServeAsync(Stream connection, string podNamespace, string podName, int port, TimeProvider time, CancellationToken cancellationToken)
    {
        var input = new BufferedInput(connection);
        while (true)
        {
            switch (Classify(input.Buffered))
            {
                case true:
                    await ServeHttpAsync(connection, input, podNamespace, podName, port, time, cancellationToken);
                    return;
                case false:
                    await EchoAsync(connection, input, cancellationToken);
                    return;
            }
            if (!await input.FillAsync(cancellationToken))
            {
                // Closed before the first bytes told what it is: echo what there was.
                await EchoAsync(connection, input, cancellationToken);
                return;
            }
        }
    }

    /// <summary>True for the start of an HTTP request line, false for anything else, null while undecided.</summary>
    private static bool? Classify(ReadOnlySpan<byte> start)
    {
        if (start.IsEmpty) return null;
        var undecided = false;
        foreach (var method in Methods)
        {
            var token = Encoding.ASCII.GetBytes(method + " ");
            if (start.Length >= token.Length && start[..token.Length].SequenceEqual(token)) return true;
            if (start.Length < token.Length && token.AsSpan(0, start.Length).SequenceEqual(start)) undecided = true;
        }
        return undecided ? null : false;
    }

    private static async Task EchoAsync(Stream connection, BufferedInput input, CancellationToken cancellationToken)
    {
        var pending = input.Take(input.Buffered.Length);
        if (pending.Length > 0) await connection.WriteAsync(pending, cancellationToken);
        var buffer = new byte[StreamingLimits.WriteChunkBytes];
        int read;
        while ((read = await connection.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await connection.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    private static async Task ServeHttpAsync(Stream connection, BufferedInput input, string podNamespace, string podName, int port, TimeProvider time, CancellationToken cancellationToken)
    {
        while (true)
        {
            var headEnd = await input.FindAsync("\r\n\r\n"u8.ToArray(), MaxHeadBytes, cancellationToken);
            if (headEnd < 0)
            {
                if (input.Buffered.Length > 0) await RespondAsync(connection, 431, "Request Header Fields Too Large", "request head too large\n", false, time, cancellationToken);
                return;
            }
            var head = Encoding.ASCII.GetString(input.Take(headEnd + 4)).Split("\r\n");
            var requestLine = head[0].Split(' ');
            if (requestLine.Length != 3 || !requestLine[2].StartsWith("HTTP/1.", StringComparison.Ordinal))
            {
                await RespondAsync(connection, 400, "Bad Request", "malformed request line\n", false, time, cancellationToken);
                return;
            }
            var headers = head.Skip(1).Where(h => h.Contains(':')).ToLookup(h => h[..h.IndexOf(':')].Trim(), h => h[(h.IndexOf(':') + 1)..].Trim(), StringComparer.OrdinalIgnoreCase);
            var connectionHeader = string.Join(',', headers["Connection"]);
            var keepAlive = requestLine[2] == "HTTP/1.1"
                ? !connectionHeader.Contains("close", StringComparison.OrdinalIgnoreCase)
                : connectionHeader.Contains("keep-alive", StringComparison.OrdinalIgnoreCase);
            if (headers["Transfer-Encoding"].Any())
            {
                await RespondAsync(connection, 411, "Length Required", "send the body with a Content-Length\n", false, time, cancellationToken);
                return;
            }
            var length = headers["Content-Length"].FirstOrDefault();
            if (length is not null && (!long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var bodyLength) || bodyLength > MaxBodyBytes))
            {
                await RespondAsync(connection, 413, "Content Too Large", $"bodies up to {MaxBodyBytes} bytes are accepted\n", false, time, cancellationToken);
                return;
            }
            if (length is not null && !await input.SkipAsync(long.Parse(length, CultureInfo.InvariantCulture), cancellationToken)) return;
            var body = $"Hello from the kube emulator: pod {podNamespace}/{podName}, port {port}, {requestLine[0]} {requestLine[1]}\n";
            await RespondAsync(connection, 200, "OK", requestLine[0] == "HEAD" ? null : body, keepAlive, time, cancellationToken, Encoding.UTF8.GetByteCount(body));
            if (!keepAlive) return;
            if (input.Buffered.Length == 0 && !await input.FillAsync(cancellationToken)) return;
        }
    }

    private static async Task RespondAsync(Stream connection, int status, string reason, string? body, bool keepAlive, TimeProvider time, CancellationToken cancellationToken, int? contentLength = null)
    {
        var bodyBytes = Encoding.UTF8.GetBytes(body ?? "");
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {status} {reason}\r\n")
            .Append("Content-Type: text/plain; charset=utf-8\r\n")
            .Append(CultureInfo.InvariantCulture, $"Content-Length: {contentLength ?? bodyBytes.Length}\r\n")
            .Append(CultureInfo.InvariantCulture, $"Date: {time.GetUtcNow():R}\r\n")
            .Append("Server: kube-emulator\r\n")
            .Append(keepAlive ? "" : "Connection: close\r\n")
            .Append("\r\n");
        byte[] response = [.. Encoding.ASCII.GetBytes(head.ToString()), .. bodyBytes];
        await connection.WriteAsync(response, cancellationToken);
    }

    /// <summary>Bytes read from the connection but not consumed yet.</summary>
    private sealed class BufferedInput(Stream stream)
    {
        private readonly byte[] _chunk = new byte[StreamingLimits.WriteChunkBytes];
        private byte[] _buffer = [];

        public ReadOnlySpan<byte> Buffered => _buffer;

        public async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            var read = await stream.ReadAsync(_chunk, cancellationToken);
            if (read == 0) return false;
            _buffer = [.. _buffer, .. _chunk.AsSpan(0, read)];
            return true;
        }

        public byte[] Take(int count)
        {
            var taken = _buffer[..count];
            _buffer = _buffer[count..];
            return taken;
        }

        /// <summary>Index of <paramref name="marker"/>, reading more as needed; -1 at end of stream or past <paramref name="limit"/>.</summary>
        public async Task<int> FindAsync(byte[] marker, int limit, CancellationToken cancellationToken)
        {
            while (true)
            {
                var at = _buffer.AsSpan().IndexOf(marker);
                if (at >= 0) return at;
                if (_buffer.Length > limit || !await FillAsync(cancellationToken)) return -1;
            }
        }

        public async Task<bool> SkipAsync(long count, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_buffer.Length == 0 && !await FillAsync(cancellationToken)) return false;
                var n = (int)Math.Min(count, _buffer.Length);
                Take(n);
                count -= n;
            }
            return true;
        }
    }
}
