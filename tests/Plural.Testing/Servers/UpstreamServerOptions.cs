namespace Plural.Testing.Servers;

/// <summary>How an <see cref="UpstreamServer"/> listens and how much it remembers.</summary>
public sealed record UpstreamServerOptions
{
    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Keep every request's method and path in <see cref="UpstreamServer.SeenRequests"/> (tests); off under load.</summary>
    public bool RecordRequests { get; init; } = true;

    /// <summary>Answer uploads with their SHA-256 as well as their length (tests); off when measuring.</summary>
    public bool HashUploads { get; init; } = true;

    /// <summary>HTTP/1.1 only, as the bench's routes expect; otherwise HTTP/1.1 and HTTP/2.</summary>
    public bool Http1Only { get; init; }
}
