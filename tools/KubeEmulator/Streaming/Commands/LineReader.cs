using System.Text;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>Reads UTF-8 lines from a stream as they arrive; the last line may lack its newline, and a line longer than the limit is cut there.</summary>
internal sealed class LineReader(Stream stream, int maxLineBytes)
{
    private readonly byte[] _buffer = new byte[4096];
    private readonly List<byte> _pending = [];
    private bool _eof;

    public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _pending.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_pending.GetRange(0, newline).ToArray());
                _pending.RemoveRange(0, newline + 1);
                return line;
            }
            if (_eof || _pending.Count > maxLineBytes)
            {
                if (_pending.Count == 0) return null;
                var rest = Encoding.UTF8.GetString(_pending.ToArray());
                _pending.Clear();
                return rest;
            }
            var read = await stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0) _eof = true;
            else _pending.AddRange(_buffer.AsSpan(0, read));
        }
    }
}
