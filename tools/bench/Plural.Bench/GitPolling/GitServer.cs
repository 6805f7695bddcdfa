using System.Globalization;
using Plural.Bench.Processes;
using Plural.Bench.Runner;

namespace Plural.Bench.GitPolling;

/// <summary>The Git server process (<see cref="GitHttpServer"/>), its address, its request counts and its CPU.</summary>
public sealed class GitServer : IDisposable
{
    private readonly HttpClient _http;

    private GitServer(ChildProcess process, int port)
    {
        Process = process;
        Url = $"http://127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri(Url), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The server process.</summary>
    public ChildProcess Process { get; }

    /// <summary>Base URL; repositories are at <c>{Url}/{name}.git</c>.</summary>
    public string Url { get; }

    /// <summary>Starts the server from the bench's own build, serving the bare repositories under <paramref name="root"/>.</summary>
    public static async Task<GitServer> StartAsync(ScenarioContext context, string root, CancellationToken ct)
    {
        var port = FreePort.Next();
        var process = context.Children.Start("git-server", "dotnet",
        [
            context.BenchAssembly, "git-server", "--root", root, "--port", port.ToString(CultureInfo.InvariantCulture),
            "--parent", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
        ]);
        await PortProbe.WaitListeningAsync(port, process, TimeSpan.FromSeconds(30), ct);
        return new GitServer(process, port);
    }

    /// <summary>The URL of repository <paramref name="name"/>.</summary>
    public string RepositoryUrl(string name) => $"{Url}/{name}.git";

    /// <summary>Requests served so far, by kind.</summary>
    public async Task<GitRequests> CountsAsync(CancellationToken ct)
    {
        var text = await _http.GetStringAsync(GitHttpServer.StatsPath, ct);
        var parts = text.Split(' ').Select(p => long.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        return new GitRequests(parts[0], parts[1], parts[2], parts[3]);
    }

    /// <summary>CPU seconds of the CGI host itself and of the http-backend programs it ran (and reaped) so far.</summary>
    public (double Host, double Backends) Cpu() => ProcessStats.OwnAndReapedCpu(Process.Id);

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();
}

/// <summary>Requests to the Git server by kind.</summary>
/// <param name="RefAdvertisements">GET info/refs.</param>
/// <param name="LsRefs">POST git-upload-pack with a protocol-v2 ls-refs command (lists refs, sends no pack).</param>
/// <param name="PackRequests">POST git-upload-pack negotiating a pack: a fetch.</param>
/// <param name="Other">Anything else.</param>
public readonly record struct GitRequests(long RefAdvertisements, long LsRefs, long PackRequests, long Other)
{
    /// <summary>All requests.</summary>
    public long Total => RefAdvertisements + LsRefs + PackRequests + Other;

    /// <summary>The counts between two readings.</summary>
    public static GitRequests operator -(GitRequests a, GitRequests b) =>
        new(a.RefAdvertisements - b.RefAdvertisements, a.LsRefs - b.LsRefs, a.PackRequests - b.PackRequests, a.Other - b.Other);
}
