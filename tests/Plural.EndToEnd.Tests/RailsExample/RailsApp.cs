using System.Diagnostics;
using Plural.EndToEnd.Tests.RubyGem;

namespace Plural.EndToEnd.Tests.RailsExample;

/// <summary>
/// The example Rails app of examples/rails, run with Debian's Rails, Puma and gRPC the way its docs say: the gem's
/// stubs generated, the bundle resolved from the installed gems only, then <c>bin/rails test</c> or
/// <c>bin/rails server</c> with the platform given through the <c>PLURAL_*</c> variables config/plural.yml reads.
/// </summary>
internal static class RailsApp
{
    private static string Root => Path.Combine(RepositoryLayout.Root, "examples", "rails");

    private static string Rails => Path.Combine(Root, "bin", "rails");

    /// <summary>Generates the gem's stubs and resolves the app's bundle; neither reaches the network.</summary>
    public static async Task PrepareAsync()
    {
        await MinitestRun.GenerateStubsAsync();
        var bundle = await ProcessToEnd.RunAsync(Command("bundle", ["install", "--local"], new Dictionary<string, string>()), TimeSpan.FromMinutes(2));
        Assert.True(bundle.ExitCode == 0,
            $"bundle install --local failed; install ruby-rails, puma and bundler (test.sh does):\n{bundle}");
    }

    /// <summary>The app's own tests (<c>bin/rails test</c>); fails when minitest printed no summary.</summary>
    public static async Task<MinitestRun> TestAsync(IReadOnlyDictionary<string, string> environment)
    {
        var run = await ProcessToEnd.RunAsync(Command(Rails, ["test", "--verbose"], environment), TimeSpan.FromMinutes(3));
        return MinitestRun.FromOutput(run.StandardOutput + run.StandardError);
    }

    /// <summary><c>bin/rails server</c> in the development environment on a free loopback port, once Puma listens.</summary>
    public static async Task<RailsServer> StartServerAsync(IReadOnlyDictionary<string, string> environment)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        // Its own pid file: a server killed by an earlier run leaves tmp/pids/server.pid, which Rails refuses to start over.
        var pidFile = Path.Combine(Path.GetTempPath(), $"plural-rails-{Guid.NewGuid():N}.pid");
        var process = ProductProcess.StartProgram(Rails,
            ["server", "--environment", "development", "--binding", "127.0.0.1", "--port", url.Port.ToString(), "--pid", pidFile],
            "Rails example", Root, environment);
        var server = new RailsServer(process, url, pidFile);
        try
        {
            await process.WaitForOutputAsync("Listening on", TimeSpan.FromMinutes(1));
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    private static ProcessStartInfo Command(string program, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = Root };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        return info;
    }
}

/// <summary>A running <c>bin/rails server</c>; killed with its children on dispose.</summary>
internal sealed record RailsServer(ProductProcess Process, Uri Url, string PidFile) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
        File.Delete(PidFile);
    }
}
