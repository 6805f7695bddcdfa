using System.Globalization;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Runner;
using Plural.Testing.Certificates;

namespace Plural.Bench.Baselines;

/// <summary>
/// The HTTP/2-proxy baseline, shaped like the tunnel: a front nghttpx (where the gateway sits) that
/// speaks HTTP/2 to a second nghttpx (where the agent sits), which calls the upstream over HTTP/1.1.
/// Two proxy hops with one HTTP/2 link between them, minus everything a reverse tunnel adds.
/// </summary>
public static class NghttpxChain
{
    /// <summary>
    /// Starts both proxies; null (with a logged reason) when nghttpx cannot be had. With <paramref name="tls"/>, both serve
    /// TLS with its certificate and the front one checks the back one's against its CA.
    /// </summary>
    public static async Task<Route?> StartAsync(ScenarioContext context, Upstream upstream, GatewayCertificates? tls, CancellationToken ct)
    {
        var nghttpx = await SystemPackages.EnsureAsync("nghttpx", "nghttp2-proxy", context.Log, ct);
        if (nghttpx is null)
        {
            return null;
        }

        var backPort = FreePort.Next();
        var back = context.Children.Start("nghttpx (agent side)", nghttpx,
        [
            "--conf=/dev/null",
            $"--frontend=127.0.0.1,{backPort.ToString(CultureInfo.InvariantCulture)}{(tls is null ? ";no-tls" : "")}",
            $"--backend=127.0.0.1,{upstream.Port.ToString(CultureInfo.InvariantCulture)}",
            "--workers=1", "--no-ocsp", "--log-level=WARN", "--accesslog-file=/dev/null",
            .. KeyAndCertificate(tls),
        ]);
        await PortProbe.WaitListeningAsync(backPort, back, TimeSpan.FromSeconds(20), ct);

        var frontPort = FreePort.Next();
        // nghttpx matches the back's certificate against a DNS name only, never an IP address: name it by SNI.
        var front = context.Children.Start("nghttpx (gateway side)", nghttpx,
        [
            "--conf=/dev/null",
            $"--frontend=127.0.0.1,{frontPort.ToString(CultureInfo.InvariantCulture)}{(tls is null ? ";no-tls" : "")}",
            $"--backend=127.0.0.1,{backPort.ToString(CultureInfo.InvariantCulture)};;proto=h2{(tls is null ? "" : ";tls;sni=localhost")}",
            "--workers=1", "--no-ocsp", "--log-level=WARN", "--accesslog-file=/dev/null",
            .. tls is null ? [] : new[] { $"--cacert={tls.AuthorityFile}" },
            .. KeyAndCertificate(tls),
        ]);
        await PortProbe.WaitListeningAsync(frontPort, front, TimeSpan.FromSeconds(20), ct);
        context.Log($"nghttpx chain up: :{frontPort} -h2{(tls is null ? "" : " over TLS")}-> :{backPort} -> upstream :{upstream.Port}");
        return new Route("nghttpx x2", $"{(tls is null ? "http" : "https")}://127.0.0.1:{frontPort}", null, [front, back]) { CaFile = tls?.AuthorityFile };
    }

    // nghttpx takes the private key and the certificate as its last two arguments.
    private static string[] KeyAndCertificate(GatewayCertificates? tls) => tls is null ? [] : [tls.KeyFile, tls.CertificateFile];
}
