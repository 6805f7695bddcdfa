using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Plural.Bench.Reporting;

/// <summary>What the result file says about the machine, so numbers from different boxes are not compared blindly.</summary>
public sealed record MachineInfo(
    string Cpu,
    int Cores,
    string Memory,
    string Kernel,
    string OperatingSystem,
    string Runtime,
    string Commit,
    string LoadAverageAtStart,
    IReadOnlyDictionary<string, string> Tools)
{
    /// <summary>Reads the machine now.</summary>
    public static MachineInfo Read(string repositoryRoot) => new(
        Cpu: ReadField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
        Cores: Environment.ProcessorCount,
        Memory: ReadField("/proc/meminfo", "MemTotal") is { } kb && long.TryParse(kb.Split(' ')[0], out var total)
            ? $"{total / 1024 / 1024.0:0.0} GiB" : "unknown",
        Kernel: TryRead("/proc/sys/kernel/osrelease") ?? Environment.OSVersion.VersionString,
        OperatingSystem: (TryRead("/etc/os-release") ?? "").Split('\n')
            .FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"') ?? "unknown",
        Runtime: RuntimeInformation.FrameworkDescription,
        Commit: Run("git", "-C", repositoryRoot, "rev-parse", "--short", "HEAD") ?? "unknown",
        LoadAverageAtStart: LoadAverage(),
        Tools: new Dictionary<string, string>
        {
            ["wrk"] = FirstLine(Run("wrk", "-v")) ?? "absent",
            ["ssh"] = FirstLine(Run("ssh", "-V")) ?? "absent",
            ["nghttpx"] = FirstLine(Run("nghttpx", "--version")) ?? "absent",
        });

    /// <summary>The 1, 5 and 15 minute load averages.</summary>
    public static string LoadAverage() =>
        string.Join(' ', (TryRead("/proc/loadavg") ?? "").Split(' ').Take(3));

    private static string? ReadField(string file, string name) =>
        (TryRead(file) ?? "").Split('\n')
            .Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Select(l => l[(l.IndexOf(':') + 1)..].Trim())
            .FirstOrDefault();

    private static string? TryRead(string file)
    {
        try
        {
            return File.ReadAllText(file).Trim();
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static string? FirstLine(string? text) => text?.Split('\n')[0].Trim();

    private static string? Run(string program, params string[] arguments)
    {
        try
        {
            var info = new ProcessStartInfo(program)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
            process.WaitForExit(5000);
            return output.Trim() is { Length: > 0 } text ? text : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
