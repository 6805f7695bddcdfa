using System.Collections.Concurrent;
using System.Diagnostics;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One of the product's programs running as a real process, as operators run it. Output is kept
/// so a failing test can show it; the process is killed on dispose.
/// </summary>
internal sealed class ProductProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _watches = [];
    private readonly Lock _gate = new();

    private ProductProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ProductProcess Start(string folder, IEnumerable<string> args, string? name = null, string? workingDirectory = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(RepositoryLayout.ProgramPath(folder))!,
        };
        info.ArgumentList.Add(RepositoryLayout.ProgramPath(folder));
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var product = new ProductProcess(name ?? folder, process);
        process.OutputDataReceived += (_, e) => product.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => product.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return product;
    }

    /// <summary>Waits until the process prints a line containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        TaskCompletionSource seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_output.Any(l => l.Contains(text, StringComparison.Ordinal)))
            {
                return;
            }

            _watches.Add((text, seen));
        }

        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(seen.Task, exited, Task.Delay(timeout));
        if (first != seen.Task)
        {
            throw new TimeoutException(
                $"{Name} did not print '{text}' within {timeout} (exited: {_process.HasExited}). Output:\n{Output}");
        }
    }

    public string Output => string.Join('\n', _output.TakeLast(200));

    /// <summary>Resident memory of the process now, from /proc.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
            }
        }

        return 0;
    }

    /// <summary>Kills the process at once, as a crash or OOM kill would.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.Enqueue(line);
            while (_output.Count > 2000)
            {
                _output.TryDequeue(out _);
            }

            foreach (var watch in _watches.Where(w => line.Contains(w.Text, StringComparison.Ordinal)).ToList())
            {
                watch.Seen.TrySetResult();
                _watches.Remove(watch);
            }
        }
    }
}
