using System.Collections.Concurrent;
using System.Diagnostics;

namespace Plural.Bench.Processes;

/// <summary>A process the bench started. Its output is kept (the last lines) so a failure can show it.</summary>
public sealed class ChildProcess
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _watches = [];
    private readonly Lock _gate = new();
    private int _errorLines;

    internal ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
    }

    /// <summary>Name used in tables and error messages.</summary>
    public string Name { get; }

    /// <summary>Process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Lines the process logged at error level or above (<c>fail:</c>, <c>crit:</c>) so far.</summary>
    public int ErrorLines => Volatile.Read(ref _errorLines);

    /// <summary>The last such line, if any.</summary>
    public string? LastErrorLine { get; private set; }

    /// <summary>The last lines the process printed.</summary>
    public string Output => string.Join('\n', _output.TakeLast(60));

    /// <summary>Memory and CPU of the process and its descendants now.</summary>
    public ProcessSample Sample() => ProcessStats.Sample(_process.Id);

    internal void BeginReading()
    {
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Throws with the process's output when it has ended.</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}. Output:\n{Output}");
        }
    }

    /// <summary>Waits until the process prints a line containing <paramref name="text"/>.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout, CancellationToken ct)
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

        var first = await Task.WhenAny(seen.Task, _process.WaitForExitAsync(ct), Task.Delay(timeout, ct));
        ct.ThrowIfCancellationRequested();
        if (seen.Task.IsCompleted || (_process.HasExited && ContainsLine(text)))
        {
            // The exit can be noticed before the last lines are delivered; WaitForExitAsync drains them.
            return;
        }

        ThrowIfExited();
        if (first != seen.Task)
        {
            throw new TimeoutException($"{Name} did not print '{text}' within {timeout}. Output:\n{Output}");
        }
    }

    /// <summary>Kills the process and everything it started, and waits for it.</summary>
    public async Task KillAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(bounded.Token);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException or System.ComponentModel.Win32Exception)
        {
            // Already reaped, never started, or stuck in the kernel: nothing more a benchmark can do.
        }
    }

    internal void KillNow()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone.
        }
    }

    private bool ContainsLine(string text)
    {
        lock (_gate)
        {
            return _output.Any(l => l.Contains(text, StringComparison.Ordinal));
        }
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _errorLines);
            LastErrorLine = line.Length > 400 ? line[..400] + "..." : line;
        }

        lock (_gate)
        {
            _output.Enqueue(line);
            while (_output.Count > 500)
            {
                _output.TryDequeue(out _);
            }

            for (var i = _watches.Count - 1; i >= 0; i--)
            {
                if (line.Contains(_watches[i].Text, StringComparison.Ordinal))
                {
                    _watches[i].Seen.TrySetResult();
                    _watches.RemoveAt(i);
                }
            }
        }
    }
}
