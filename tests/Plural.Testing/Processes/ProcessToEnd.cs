using System.Diagnostics;

namespace Plural.Testing.Processes;

/// <summary>Runs a process to its end within a time limit, keeping standard output and error apart.</summary>
public static class ProcessToEnd
{
    /// <summary>
    /// Starts <paramref name="info"/> (its output is redirected here) and waits for its end; a process still running
    /// after <paramref name="limit"/> is killed with its children and reported with what it printed.
    /// </summary>
    public static async Task<ProductRunResult> RunAsync(ProcessStartInfo info, TimeSpan limit)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var wait = new CancellationTokenSource(limit);
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Nothing outlives the test that started it.
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            var command = string.Join(' ', [Path.GetFileName(info.FileName), .. info.ArgumentList]);
            throw new TimeoutException($"{command} did not finish within {limit}:\n{await stdout}{await stderr}");
        }

        return new ProductRunResult(process.ExitCode, await stdout, await stderr);
    }
}
