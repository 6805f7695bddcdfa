using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Plural.Bench.H2Relay;

/// <summary>
/// How the gateway side moves a body from one request's reader into another's response, both Kestrel's: pipe to pipe,
/// with no buffer of its own. Measured against <c>Stream.CopyToAsync</c> with a pooled 64 KiB buffer on the same
/// machine, with Kestrel's 4 KiB blocks then (results/2026-12-07-streaming-bulk-ceiling.md): as cheap or cheaper both
/// ways, by a third on uploads.
/// </summary>
public static class BodyCopy
{
    /// <summary>Copies the whole body of <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static async Task CopyAsync(HttpRequest from, HttpResponse to, CancellationToken ct)
    {
        // Not PipeReader.CopyToAsync(PipeWriter): it writes and flushes every segment of a read on its own, and Kestrel's
        // segments are 4 KiB blocks, so each 4 KiB would be a send. Here all that one read returned goes out in one flush.
        var reader = from.BodyReader;
        var writer = to.BodyWriter;
        while (true)
        {
            var read = await reader.ReadAsync(ct);
            foreach (var segment in read.Buffer)
            {
                writer.Write(segment.Span);
            }

            reader.AdvanceTo(read.Buffer.End);
            var flushed = await writer.FlushAsync(ct);
            if (read.IsCompleted || flushed.IsCompleted)
            {
                return;
            }
        }
    }
}
