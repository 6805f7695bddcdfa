using System.Globalization;
using Plural.Bench.Platform;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

namespace Plural.Bench.Baselines;

/// <summary>
/// The HTTP/2-proxy baseline, shaped like the tunnel: a front nghttpx (where the gateway sits) that
/// speaks HTTP/2 to a second nghttpx (where the agent sits), which calls the upstream over HTTP/1.1.
/// Two proxy hops with one HTTP/2 link between them, minus everything a reverse tunnel adds.
/// </summary>
public static class NghttpxChain
{
    /// <summary>Starts both proxies; null (with a logged reason) when nghttpx cannot be had.</summary>
    public static async Task<Route?> StartAsync(ScenarioContext context, Upstream upstream, CancellationToken ct)
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
            $"--frontend=127.0.0.1,{backPort.ToString(CultureInfo.InvariantCulture)};no-tls",
            $"--backend=127.0.0.1,{upstream.Port.ToString(CultureInfo.InvariantCulture)}",
            "--workers=1", "--no-ocsp", "--log-level=WARN", "--accesslog-file=/dev/null",
        ]);
        await PortProbe.WaitListeningAsync(backPort, back, TimeSpan.FromSeconds(20), ct);

        var frontPort = FreePort.Next();
        var front = context.Children.Start("nghttpx (gateway side)", nghttpx,
        [
            "--conf=/dev/null",
            $"--frontend=127.0.0.1,{frontPort.ToString(CultureInfo.InvariantCulture)};no-tls",
            $"--backend=127.0.0.1,{backPort.ToString(CultureInfo.InvariantCulture)};;proto=h2",
            "--workers=1", "--no-ocsp", "--log-level=WARN", "--accesslog-file=/dev/null",
        ]);
        await PortProbe.WaitListeningAsync(frontPort, front, TimeSpan.FromSeconds(20), ct);
        context.Log($"nghttpx chain up: :{frontPort} -h2-> :{backPort} -> upstream :{upstream.Port}");
        return new Route("nghttpx x2", $"http://127.0.0.1:{frontPort}", null, [front, back]);
    }
}
