using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Plural.EndToEnd.Tests.Infrastructure;

// Not ".ServerApi": that namespace would hide the generated ServerApi class from the other test folders.
namespace Plural.EndToEnd.Tests.MainApp;

/// <summary>
/// A Ruby script of tests/ruby-client run with Debian's ruby-grpc, against stubs generated from the shipped
/// server_api.proto. Its output is one JSON object per line, each with a "step".
/// </summary>
internal sealed class RubyScript : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private RubyScript(Process process) => _process = process;

    public IEnumerable<JsonElement> Steps => _lines.Select(l => JsonDocument.Parse(l).RootElement);

    public string Output => string.Join('\n', _lines);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Generates the Ruby stubs into <paramref name="directory"/>; fails with the compiler's output.</summary>
    public static async Task GenerateStubsAsync(string directory)
    {
        var protos = Path.Combine(RepositoryLayout.Root, "Protocol", "Protos");
        var (exit, output) = await RunAsync("grpc_tools_ruby_protoc",
            ["-I", protos, $"--ruby_out={directory}", $"--grpc_out={directory}", "plural/server/v1/server_api.proto"]);
        Assert.True(exit == 0, $"grpc_tools_ruby_protoc failed ({exit}); install ruby-grpc-tools (test.sh does):\n{output}");
    }

    public static RubyScript Start(string script, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("ruby")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(RepositoryLayout.Root, "tests", "ruby-client", script));
        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info };
        var ruby = new RubyScript(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line && line.StartsWith('{'))
            {
                ruby._lines.Enqueue(line);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { Length: > 0 } line)
            {
                ruby._lines.Enqueue(JsonSerializer.Serialize(new { step = "stderr", line }));
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return ruby;
    }

    /// <summary>The first line of <paramref name="step"/>; fails with the script's output when it does not come in time.</summary>
    public async Task<JsonElement> WaitForStepAsync(string step, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var found = Steps.FirstOrDefault(s => s.GetProperty("step").GetString() == step);
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }

            if (_process.HasExited)
            {
                // Only the parameterless wait drains the redirected output: a script that printed its step and exited
                // can otherwise be judged before its last lines arrive.
                await _process.WaitForExitAsync();
                found = Steps.FirstOrDefault(s => s.GetProperty("step").GetString() == step);
                Assert.True(found.ValueKind != JsonValueKind.Undefined, $"the script ended (exit {_process.ExitCode}) before \"{step}\":\n{Output}");
                return found;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"no \"{step}\" from the script within {timeout}:\n{Output}");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    private static async Task<(int Exit, string Output)> RunAsync(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
