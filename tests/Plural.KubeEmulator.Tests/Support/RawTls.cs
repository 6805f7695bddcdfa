using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>
/// HTTP/1.1 over TLS from a bare socket, the way a forwarding agent sends upgrade requests: the test
/// writes the request head itself and reads the response head byte by byte, leaving the stream at the
/// first byte of the upgraded protocol.
/// </summary>
public sealed class RawTls : IAsyncDisposable
{
    private RawTls(TcpClient client, SslStream stream)
    {
        Client = client;
        Stream = stream;
    }

    public TcpClient Client { get; }

    public SslStream Stream { get; }

    public static async Task<RawTls> ConnectAsync(TestCluster cluster, CancellationToken ct)
    {
        var client = new TcpClient();
        await client.ConnectAsync(cluster.Server.Url.Host, cluster.Server.Url.Port, ct);
        var authority = X509Certificate2.CreateFromPem(cluster.Server.CertificateAuthorityPem!);
        var ssl = new SslStream(client.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "127.0.0.1",
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null) return false;
                if (errors == SslPolicyErrors.None) return true;
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(new X509Certificate2(certificate));
            },
        }, ct);
        return new RawTls(client, ssl);
    }

    public async Task SendHeadAsync(string method, string target, IEnumerable<(string Name, string Value)> headers, CancellationToken ct)
    {
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        foreach (var (name, value) in headers) head.Append(name).Append(": ").Append(value).Append("\r\n");
        head.Append("\r\n");
        await Stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), ct);
        await Stream.FlushAsync(ct);
    }

    /// <summary>Reads the status line and headers; header names are lower-cased.</summary>
    public async Task<(int Status, Dictionary<string, string> Headers)> ReadHeadAsync(CancellationToken ct)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (bytes.Count < 4 || !(bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n'))
        {
            if (await Stream.ReadAsync(one, ct) == 0) throw new IOException("connection closed inside the response head");
            bytes.Add(one[0]);
        }
        var lines = Encoding.ASCII.GetString(bytes.ToArray()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            var name = line[..colon].Trim().ToLowerInvariant();
            headers[name] = headers.TryGetValue(name, out var existing) ? existing + "," + line[(colon + 1)..].Trim() : line[(colon + 1)..].Trim();
        }
        return (int.Parse(lines[0].Split(' ')[1]), headers);
    }

    /// <summary>Drops the connection with a TCP reset, as a client that crashes or loses its network does.</summary>
    public void Abort()
    {
        Client.Client.LingerState = new LingerOption(true, 0);
        Client.Client.Close();
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        Client.Dispose();
    }
}
