using System.Diagnostics;
using System.Text;

namespace Plural.Testing.Kubernetes;

/// <summary>A running kubectl whose stdout and stderr lines are collected as they arrive; disposing kills it.</summary>
public sealed class KubectlStream : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _reader;
    private readonly StringBuilder _stderr = new();
    private readonly Task _stderrReader;
    private readonly Func<string>? _diagnostics;
    private bool _disposed;

    internal KubectlStream(Process process, Func<string>? diagnostics)
    {
        _process = process;
        _diagnostics = diagnostics;
        _stderrReader = Task.Run(async () =>
        {
            while (await process.StandardError.ReadLineAsync() is { } line)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(line);
                }
            }
        });
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_lines)
                {
                    _lines.Add(line);
                }

                _arrived.Release();
            }
        });
    }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public bool HasExited => _disposed || _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>What kubectl printed on stderr so far.</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>All of stderr, once kubectl has closed it (that is, ended).</summary>
    public async Task<string> StderrAsync()
    {
        await _stderrReader;
        return Stderr;
    }

    /// <summary>Waits until some line satisfies <paramref name="predicate"/>; fails with what was seen on timeout or exit.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (Lines.FirstOrDefault(predicate) is { } match)
            {
                return match;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (_process.HasExited && _reader.IsCompleted && Lines.FirstOrDefault(predicate) is null))
            {
                throw new Xunit.Sdk.XunitException(
                    $"no matching line within {timeout} (exited: {_process.HasExited}). Seen:\n{string.Join('\n', Lines)}\nstderr: {Stderr}\n{_diagnostics?.Invoke()}");
            }

            await _arrived.WaitAsync(left < TimeSpan.FromMilliseconds(200) ? left : TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>Writes to kubectl's stdin (for <c>exec -i</c> and <c>attach -i</c>).</summary>
    public async Task WriteInputAsync(string text)
    {
        await _process.StandardInput.WriteAsync(text);
        await _process.StandardInput.FlushAsync();
    }

    /// <summary>Whether kubectl ended by itself (and its output was read) within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_reader, _stderrReader).WaitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Waits for kubectl to end by itself and returns its exit code; fails if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int> ExitCodeAsync(TimeSpan timeout)
    {
        if (!await WaitForExitAsync(timeout))
        {
            throw new Xunit.Sdk.XunitException(
                $"kubectl still runs after {timeout}. Seen:\n{string.Join('\n', Lines)}\nstderr: {Stderr}\n{_diagnostics?.Invoke()}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        // Reported by the test that used it, if it matters.
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
