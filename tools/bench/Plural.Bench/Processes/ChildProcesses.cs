using System.Collections.Concurrent;
using System.Diagnostics;

namespace Plural.Bench.Processes;

/// <summary>
/// The processes one scenario started. Disposing kills them all; so does <see cref="KillEverything"/>,
/// which the program calls on Ctrl-C, SIGTERM and exit so that nothing outlives the bench.
/// </summary>
public sealed class ChildProcesses : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<ChildProcess, byte> Everything = new();
    private readonly List<ChildProcess> _mine = [];
    private readonly Lock _gate = new();

    /// <summary>Starts a program; <paramref name="environment"/> adds to the inherited environment.</summary>
    public ChildProcess Start(string name, string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var child = new ChildProcess(name, process);
        if (!process.Start())
        {
            throw new InvalidOperationException($"could not start {fileName}");
        }

        lock (_gate)
        {
            _mine.Add(child);
        }

        Everything.TryAdd(child, 0);
        child.BeginReading();
        return child;
    }

    /// <summary>Kills every process any scope started and has not yet stopped.</summary>
    public static void KillEverything()
    {
        foreach (var child in Everything.Keys)
        {
            child.KillNow();
        }
    }

    /// <summary>Kills this scope's processes, newest first.</summary>
    public async ValueTask DisposeAsync()
    {
        List<ChildProcess> mine;
        lock (_gate)
        {
            mine = [.. _mine];
            _mine.Clear();
        }

        mine.Reverse();
        foreach (var child in mine)
        {
            await child.KillAsync();
            Everything.TryRemove(child, out _);
        }
    }
}
