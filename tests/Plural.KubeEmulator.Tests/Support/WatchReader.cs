using System.Text.Json;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>Reads a raw watch stream event by event.</summary>
public sealed class WatchReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private WatchReader(HttpResponseMessage response, Stream stream)
    {
        _response = response;
        _reader = new StreamReader(stream);
    }

    public static async Task<WatchReader> OpenAsync(HttpClient http, string url, CancellationToken ct)
    {
        var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
        response.EnsureSuccessStatusCode();
        return new WatchReader(response, await response.Content.ReadAsStreamAsync(ct));
    }

    /// <summary>The next event, or null when the server ended the stream.</summary>
    public async Task<WatchEvent?> NextAsync(CancellationToken ct)
    {
        var line = await _reader.ReadLineAsync(ct);
        if (line is null) return null;
        using var doc = JsonDocument.Parse(line);
        var o = doc.RootElement.GetProperty("object");
        var metadata = o.GetProperty("metadata");
        return new WatchEvent(
            doc.RootElement.GetProperty("type").GetString()!,
            metadata.TryGetProperty("name", out var n) ? n.GetString()! : "",
            long.Parse(metadata.GetProperty("resourceVersion").GetString()!));
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}

public sealed record WatchEvent(string Type, string Name, long ResourceVersion);
