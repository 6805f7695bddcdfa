using System.Net;
using System.Security.Cryptography;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>A request body of the upstream's byte pattern, generated while sent and hashed on the way.</summary>
internal sealed class PatternContent(long size) : HttpContent
{
    public string? Sha256 { get; private set; }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        for (long sent = 0; sent < size;)
        {
            var n = (int)Math.Min(buffer.Length, size - sent);
            for (var i = 0; i < n; i++)
            {
                buffer[i] = UpstreamServer.Pattern(sent + i);
            }

            hash.AppendData(buffer, 0, n);
            await stream.WriteAsync(buffer.AsMemory(0, n));
            sent += n;
        }

        Sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    protected override bool TryComputeLength(out long length)
    {
        length = size;
        return true;
    }
}
