using System.Diagnostics;
using System.Text;

namespace Plural.KubeEmulator.Tests.Support;

/// <summary>Runs the real kubectl against an emulator's kubeconfig; every process is killed when its test ends.</summary>
public sealed class Kubectl(string kubeconfig, string cacheDirectory)
{
    private static readonly Lazy<string> Binary = new(Locate);

    public async Task<KubectlResult> RunAsync(params string[] args) => await RunAsync(TimeSpan.FromSeconds(45), args);

    public Task<KubectlResult> RunAsync(TimeSpan timeout, params string[] args) => RunWithAsync(null, null, timeout, args);

    /// <summary>Runs kubectl with extra environment variables and, optionally, text fed to its stdin (which is then closed).</summary>
    public async Task<KubectlResult> RunWithAsync(IReadOnlyDictionary<string, string>? environment, string? stdin, TimeSpan timeout, params string[] args)
    {
        using var process = Start(args, environment);
        if (stdin is not null) await process.StandardInput.WriteAsync(stdin);
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
            throw new TimeoutException($"kubectl {string.Join(' ', args)} did not finish within {timeout}: {await stderr}");
        }
        return new KubectlResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts a long-running kubectl (e.g. <c>get -w</c>, <c>logs -f</c>) whose output is read line by line.</summary>
    public KubectlStream Stream(params string[] args) => new(Start(args, null));

    /// <summary>Like <see cref="Stream(string[])"/>, with extra environment variables (e.g. to choose a transport).</summary>
    public KubectlStream StreamWith(IReadOnlyDictionary<string, string>? environment, params string[] args) => new(Start(args, environment));

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
        foreach (var arg in args) info.ArgumentList.Add(arg);
        info.Environment["KUBECONFIG"] = kubeconfig;
        info.Environment["HOME"] = cacheDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) info.Environment[name] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("kubectl did not start");
    }

    /// <summary>
    /// <c>KUBECTL</c> if set, else kubectl from PATH. Some installs put a version dispatcher there with
    /// versioned binaries beside it; the 1.32 one is used directly when present.
    /// </summary>
    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("KUBECTL") is { Length: > 0 } configured) return configured;
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            var candidate = Path.Combine(dir, "kubectl");
            if (!File.Exists(candidate)) continue;
            var resolved = new FileInfo(candidate).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? candidate;
            var versioned = Path.Combine(Path.GetDirectoryName(resolved)!, "kubectl.1.32");
            return File.Exists(versioned) ? versioned : candidate;
        }
        throw new InvalidOperationException("kubectl was not found on PATH; set KUBECTL");
    }
}

public sealed record KubectlResult(int ExitCode, string Stdout, string Stderr)
{
    public KubectlResult EnsureSuccess() =>
        ExitCode == 0 ? this : throw new Xunit.Sdk.XunitException($"kubectl exited {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}");
}

/// <summary>A running kubectl whose stdout lines are collected as they arrive.</summary>
public sealed class KubectlStream : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _arrived = new(0);
    private readonly Task _reader;
    private readonly Task<string> _stderr;

    internal KubectlStream(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_lines) _lines.Add(line);
                _arrived.Release();
            }
        });
    }

    public IReadOnlyList<string> Lines
    {
        get { lock (_lines) return _lines.ToList(); }
    }

    private bool _disposed;

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>Waits until some line satisfies <paramref name="predicate"/>; fails with what was seen on timeout.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var match = Lines.FirstOrDefault(predicate);
            if (match is not null) return match;
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || (_process.HasExited && _reader.IsCompleted && Lines.FirstOrDefault(predicate) is null))
            {
                var stderr = _process.HasExited ? await _stderr : "(still running)";
                throw new Xunit.Sdk.XunitException($"no matching line within {timeout}. Seen:\n{string.Join('\n', Lines)}\nstderr: {stderr}");
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

    public int ExitCode => _process.ExitCode;

    public async Task<string> StderrAsync() => await _stderr;

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed) return;
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await WaitForExitAsync(TimeSpan.FromSeconds(10));
        _disposed = true;
        _process.Dispose();
    }
}
