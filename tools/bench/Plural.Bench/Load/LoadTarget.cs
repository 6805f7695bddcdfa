using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Bench.Load;

/// <summary>What the bench's own load clients send: the URL, the headers, the HTTP version, and the CA an https URL must chain to.</summary>
/// <param name="Url">The URL every request goes to.</param>
/// <param name="Headers">Request headers (<c>Authorization</c>, <c>Accept</c>, <c>User-Agent</c>).</param>
/// <param name="Http2">True to speak HTTP/2 (negotiated by ALPN over TLS); HTTP/1.1 otherwise.</param>
/// <param name="CaFile">PEM CA the server's certificate must chain to, for https URLs; null for plain http.</param>
public sealed record LoadTarget(Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers, bool Http2, string? CaFile)
{
    /// <summary>A client for this target that keeps up to <paramref name="connections"/> connections (HTTP/2 multiplexes on fewer).</summary>
    public HttpClient CreateClient(int connections) => NewClient(Headers, Http2, CaFile, connections);

    /// <summary>A client sending <paramref name="headers"/> with every request, over up to <paramref name="connections"/> connections.</summary>
    public static HttpClient NewClient(IReadOnlyList<KeyValuePair<string, string>> headers, bool http2, string? caFile, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            EnableMultipleHttp2Connections = true,
        };
        if (caFile is not null)
        {
            handler.SslOptions.CertificateChainPolicy = TrustOnly(caFile);
        }

        var client = new HttpClient(handler)
        {
            Timeout = TimeSpan.FromSeconds(60),
            DefaultRequestVersion = http2 ? HttpVersion.Version20 : HttpVersion.Version11,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var (name, value) in headers)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(name, value);
        }

        return client;
    }

    /// <summary>A chain policy that trusts the certificates of <paramref name="caFile"/> and nothing else.</summary>
    public static X509ChainPolicy TrustOnly(string caFile)
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        policy.CustomTrustStore.AddRange(authorities);
        return policy;
    }
}
