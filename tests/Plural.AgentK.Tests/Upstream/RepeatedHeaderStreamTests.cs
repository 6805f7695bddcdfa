using System.Buffers;
using System.Text;
using Plural.AgentK.Upstream;

namespace Plural.AgentK.Tests.Upstream;

public sealed class RepeatedHeaderStreamTests
{
    private static readonly string Marker = MarkerLine("Impersonate-Group", "plural:user", "a, b");

    [Fact]
    public void A_marker_header_becomes_one_line_per_value()
    {
        var written = Run($"GET /api HTTP/1.1\r\nHost: x\r\n{Marker}\r\n\r\n");

        Assert.Equal("GET /api HTTP/1.1\r\nHost: x\r\nImpersonate-Group: plural:user\r\nImpersonate-Group: a, b\r\n\r\n", written);
    }

    [Fact]
    public void Bodies_are_never_rewritten_even_when_they_look_like_a_head()
    {
        var body = $"\r\n{Marker}\r\n\r\n";
        var chunked = $"{body.Length:x}\r\n{body}\r\n0\r\n\r\n";
        var input =
            $"POST /a HTTP/1.1\r\nContent-Length: {body.Length}\r\n{Marker}\r\n\r\n{body}" +
            $"POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}" +
            $"GET /c HTTP/1.1\r\n{Marker}\r\n\r\n";

        var written = Run(input, writeSize: 7);

        Assert.Equal(
            $"POST /a HTTP/1.1\r\nContent-Length: {body.Length}\r\nImpersonate-Group: plural:user\r\nImpersonate-Group: a, b\r\n\r\n{body}" +
            $"POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n{chunked}" +
            "GET /c HTTP/1.1\r\nImpersonate-Group: plural:user\r\nImpersonate-Group: a, b\r\n\r\n",
            written);
    }

    [Fact]
    public void After_an_upgrade_request_bytes_pass_through_untouched()
    {
        var input = $"GET /exec HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n{Marker}\r\n\r\n";

        var written = Run(input, writeSize: 5);

        Assert.EndsWith($"\r\n\r\n{Marker}\r\n\r\n", written);
    }

    [Fact]
    public void A_value_with_a_line_break_is_refused()
    {
        Assert.Throws<RequestRejectedException>(() => RepeatedHeaderStream.Marker("Impersonate-Group", ["a\r\nX-Evil: 1"]));
    }

    private static string MarkerLine(string name, params string[] values)
    {
        var (marker, value) = RepeatedHeaderStream.Marker(name, values);
        return $"{marker}: {value}";
    }

    private static string Run(string input, int writeSize = int.MaxValue)
    {
        var stream = new RepeatedHeaderStream(Stream.Null);
        var output = new ArrayBufferWriter<byte>();
        var bytes = Encoding.ASCII.GetBytes(input);
        for (var offset = 0; offset < bytes.Length; offset += writeSize)
        {
            stream.Transform(bytes.AsSpan(offset, Math.Min(writeSize, bytes.Length - offset)), output);
        }

        return Encoding.ASCII.GetString(output.WrittenSpan);
    }
}
