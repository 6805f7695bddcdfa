using System.Diagnostics;
using System.Text;

namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>
/// Runs the real kubectl with one kubeconfig and a private cache directory (discovery caches are per server URL,
/// and ports get reused between runs). Every process it starts ends: commands on a timeout, streams on dispose.
/// Failures carry <paramref name="diagnostics"/> (what the product processes printed).
/// </summary>
internal sealed class Kubectl(string kubeconfig, string cacheDirectory, Func<string>? diagnostics = null)
{
    private static readonly Lazy<string> Binary = new(Locate);

    public string KubeconfigPath => kubeconfig;

    public string CacheDirectory => cacheDirectory;

    /// <summary>Runs a command to its end; it is killed (and the test fails) after <paramref name="timeout"/>.</summary>
    public async Task<KubectlResult> RunAsync(TimeSpan timeout, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        using var process = Start(args, environment);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException(
                $"kubectl {string.Join(' ', args)} did not finish within {timeout}; stderr: {await stderr}\n{diagnostics?.Invoke()}");
        }

        return new KubectlResult(string.Join(' ', args), process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running kubectl (<c>get -w</c>, <c>logs -f</c>, <c>port-forward</c>) whose output is read line by line.</summary>
    public KubectlStream Stream(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        new(Start(args, environment), diagnostics);

    private Process Start(string[] args, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(Binary.Value)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add("--kubeconfig");
        info.ArgumentList.Add(kubeconfig);
        info.ArgumentList.Add("--cache-dir");
        info.ArgumentList.Add(cacheDirectory);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["KUBECONFIG"] = kubeconfig;
        info.Environment["HOME"] = cacheDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }

    /// <summary>
    /// <c>KUBECTL</c> if set, else kubectl from PATH. Some installs put a version dispatcher there with versioned
    /// binaries beside it; the 1.32 one is used directly when present.
    /// </summary>
    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } configured)
        {
            return configured;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (!File.Exists(candidate))
            {
                continue;
            }

            var resolved = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            var versioned = Path.Combine(Path.GetDirectoryName(resolved)!, "kubectl.1.32");
            return File.Exists(versioned) ? versioned : candidate;
        }

        throw new InvalidOperationException("kubectl was not found on PATH; set KUBECTL");
    }
}

internal sealed record KubectlResult(string Command, int ExitCode, string Stdout, string Stderr)
{
    public KubectlResult EnsureSuccess() =>
        ExitCode == 0 ? this
            : throw new Xunit.Sdk.XunitException($"kubectl {Command} exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
}

/// <summary>A running kubectl whose stdout lines are collected as they arrive; disposing kills it.</summary>
internal sealed class KubectlStream : IAsyncDisposable
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

    /// <summary>Waits for kubectl to end by itself and returns its exit code; fails if it still runs after <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_reader, _stderrReader).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
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

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            await Task.WhenAll(_reader, _stderrReader).WaitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            // Reported by the test that used it, if it matters.
        }

        _process.Dispose();
    }
}
