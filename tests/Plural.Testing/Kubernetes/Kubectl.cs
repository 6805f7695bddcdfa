using System.Diagnostics;
using System.Text;

namespace Plural.Testing.Kubernetes;

/// <summary>
/// Runs the real kubectl with one kubeconfig and a private cache directory (discovery caches are per server URL,
/// and ports get reused between runs). Every process it starts ends: commands on a timeout, streams on dispose.
/// Failures carry <paramref name="diagnostics"/> (for example what the product processes printed).
/// </summary>
public sealed class Kubectl(string kubeconfig, string cacheDirectory, Func<string>? diagnostics = null)
{
    /// <summary>How long a command may run when the caller does not say.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(45);

    private static readonly Lazy<string> Binary = new(Locate);

    public string KubeconfigPath => kubeconfig;

    public string CacheDirectory => cacheDirectory;

    /// <summary>Runs a command to its end within <see cref="DefaultTimeout"/>.</summary>
    public Task<KubectlResult> RunAsync(params string[] args) => RunWithAsync(null, null, DefaultTimeout, args);

    /// <summary>Runs a command to its end; it is killed (and the test fails) after <paramref name="timeout"/>.</summary>
    public Task<KubectlResult> RunAsync(TimeSpan timeout, params string[] args) => RunWithAsync(null, null, timeout, args);

    /// <summary>Runs kubectl with extra environment variables and, optionally, text fed to its stdin (which is then closed).</summary>
    public async Task<KubectlResult> RunWithAsync(IReadOnlyDictionary<string, string>? environment, string? stdin, TimeSpan timeout,
        params string[] args)
    {
        using var process = Start(args, environment);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

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
    public KubectlStream Stream(params string[] args) => StreamWith(null, args);

    /// <summary>Like <see cref="Stream(string[])"/>, with extra environment variables (e.g. to choose a transport).</summary>
    public KubectlStream StreamWith(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
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
