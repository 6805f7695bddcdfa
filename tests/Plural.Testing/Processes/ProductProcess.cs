using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Plural.Testing.Processes;

/// <summary>
/// One of the product's programs running as a real process, as operators run it. Output is kept (with a timestamp
/// per line) so a failing test can show it; the process is killed on dispose.
/// </summary>
public sealed class ProductProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int KeptLines = 3000;
    private const int ShownLines = 200;

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

    public int ExitCode => _process.ExitCode;

    /// <summary>
    /// Starts the built program of a product folder (<c>Silo</c>, <c>Gateway</c>, <c>AgentK</c>) with
    /// <paramref name="args"/>; it runs in its output folder unless <paramref name="workingDirectory"/> says otherwise,
    /// with <paramref name="environment"/> added to the test's own.
    /// </summary>
    public static ProductProcess Start(string folder, IEnumerable<string> args, string? name = null, string? workingDirectory = null,
        IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var program = RepositoryLayout.ProgramPath(folder);
        return StartProduct(new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory ?? Path.GetDirectoryName(program)! }, [program, .. args],
            name ?? folder, environment);
    }

    /// <summary>
    /// Starts a product program published as a native executable (the agent as its image ships it) with
    /// <paramref name="args"/>, in the executable's folder, with the same settings as <see cref="Start"/>.
    /// </summary>
    public static ProductProcess StartExecutable(string executable, IEnumerable<string> args, string name,
        IEnumerable<KeyValuePair<string, string>>? environment = null) =>
        StartProduct(new ProcessStartInfo(executable) { WorkingDirectory = Path.GetDirectoryName(executable)! }, args, name, environment);

    private static ProductProcess StartProduct(ProcessStartInfo info, IEnumerable<string> args, string name, IEnumerable<KeyValuePair<string, string>>? environment)
    {
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        info.Environment["Logging__Console__FormatterOptions__SingleLine"] = "true";
        info.Environment["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ";
        return Launch(info, name, environment);
    }

    /// <summary>
    /// Starts another long-running program (an example application's web server) from <paramref name="workingDirectory"/>,
    /// with the same output capture, waits and kill on dispose as the product's programs.
    /// </summary>
    public static ProductProcess StartProgram(string program, IEnumerable<string> args, string name, string workingDirectory,
        IEnumerable<KeyValuePair<string, string>>? environment = null)
    {
        var info = new ProcessStartInfo(program) { WorkingDirectory = workingDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return Launch(info, name, environment);
    }

    private static ProductProcess Launch(ProcessStartInfo info, string name, IEnumerable<KeyValuePair<string, string>>? environment)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        foreach (var (key, value) in environment ?? [])
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var product = new ProductProcess(name, process);
        process.OutputDataReceived += (_, e) => product.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => product.OnLine(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return product;
    }

    /// <summary>Waits until the process prints a line containing <paramref name="text"/>; fails early when it exits.</summary>
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

        var first = await Task.WhenAny(seen.Task, _process.WaitForExitAsync(), Task.Delay(timeout));
        if (first != seen.Task)
        {
            throw new TimeoutException(
                $"{Name} did not print '{text}' within {timeout} (exited: {_process.HasExited}). Output:\n{Output}");
        }
    }

    /// <summary>The last lines the process printed, for failure messages.</summary>
    public string Output => string.Join('\n', _output.TakeLast(ShownLines));

    /// <summary>The last <paramref name="count"/> lines kept that contain <paramref name="text"/>, for failure reports.</summary>
    public IReadOnlyList<string> LinesContaining(string text, int count) =>
        [.. _output.Where(l => l.Contains(text, StringComparison.Ordinal)).TakeLast(count)];

    /// <summary>Whether the process printed a line containing <paramref name="text"/> (among the lines kept).</summary>
    public bool Printed(string text) => _output.Any(l => l.Contains(text, StringComparison.Ordinal));

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

    /// <summary>Sends SIGTERM, as Kubernetes does on a pod deletion, and waits for the process to exit.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (_process.HasExited)
        {
            return;
        }

        _ = Kill(_process.Id, SigTerm);
        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit within {timeout} of SIGTERM. Output:\n{Output}");
        }
    }

    /// <summary>Kills the process at once, as a crash or an OOM kill would.</summary>
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
            while (_output.Count > KeptLines)
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

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
