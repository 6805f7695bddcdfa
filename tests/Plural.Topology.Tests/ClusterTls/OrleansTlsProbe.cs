using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Plural.Topology.Tests.ClusterTls;

/// <summary>
/// Opens a raw TLS connection to a silo's Orleans port, as a gateway would, with or without a client certificate,
/// and tells whether the silo kept it: a refused peer sees the connection end (with TLS 1.3 the server judges the
/// client's certificate after the client's side of the handshake is done, so the end shows at the first read).
/// </summary>
internal static class OrleansTlsProbe
{
    public sealed record Result(bool Kept, X509Certificate2? ServerCertificate, string Detail);

    /// <summary>Connects to 127.0.0.1:<paramref name="port"/> presenting <paramref name="clientCertificate"/> (none when null).</summary>
    public static async Task<Result> ConnectAsync(int port, X509Certificate2? clientCertificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false);
        X509Certificate2? server = null;
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                // The probe only looks at which certificate the silo serves; trust is the silo's side of this test.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => true,
                ClientCertificates = clientCertificate is null ? null : [clientCertificate],
                LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate!,
            });
            server = tls.RemoteCertificate as X509Certificate2;
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            var read = await tls.ReadAsync(new byte[256], wait.Token);
            return read == 0 ? new Result(false, server, "closed by the silo") : new Result(true, server, $"the silo sent {read} bytes");
        }
        catch (OperationCanceledException)
        {
            return new Result(true, server, "open, the silo waits for the Orleans preamble");
        }
        catch (Exception ex) when (ex is IOException or AuthenticationException or SocketException)
        {
            return new Result(false, server, ex.GetType().Name + ": " + ex.Message);
        }
    }

    /// <summary>The certificate and key of PEM files, usable as a client certificate.</summary>
    public static X509Certificate2 Load(string certificateFile, string keyFile)
    {
        using var pem = X509Certificate2.CreateFromPemFile(certificateFile, keyFile);
        return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
    }
}
