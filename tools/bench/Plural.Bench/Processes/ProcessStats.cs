using System.Globalization;
using System.Runtime.InteropServices;

namespace Plural.Bench.Processes;

/// <summary>Resident memory and CPU time of a process and all its descendants, read from /proc.</summary>
public static partial class ProcessStats
{
    private static readonly double TicksPerSecond = ReadTicksPerSecond();

    /// <summary>Memory and CPU of the tree rooted at <paramref name="pid"/> now; zero when it is gone.</summary>
    public static ProcessSample Sample(int pid)
    {
        long rss = 0;
        double cpu = 0;
        foreach (var member in TreeOf(pid))
        {
            if (TryRead(member, out var stat))
            {
                rss += stat.RssBytes;
                cpu += stat.CpuSeconds;
            }
        }

        return new ProcessSample(rss, cpu);
    }

    /// <summary>
    /// CPU seconds of the tree rooted at <paramref name="pid"/>, including children it already reaped,
    /// so short-lived helpers (wrk, ssh-keygen) still count as the bench's own load.
    /// </summary>
    public static double TreeCpuWithReaped(int pid)
    {
        double cpu = 0;
        foreach (var member in TreeOf(pid))
        {
            if (ReadStatFields(member) is { } fields)
            {
                // utime(11) stime(12) cutime(13) cstime(14)
                cpu += fields.Skip(11).Take(4).Sum(f => double.Parse(f, CultureInfo.InvariantCulture));
            }
        }

        return cpu / TicksPerSecond;
    }

    /// <summary>
    /// CPU seconds of one process itself, and of the children it has reaped (with theirs), apart: a server that runs a
    /// short-lived program per request (a CGI host) shows its own cost and its programs' cost separately. Zero when gone.
    /// </summary>
    public static (double Own, double Reaped) OwnAndReapedCpu(int pid)
    {
        if (ReadStatFields(pid) is not { } fields)
        {
            return (0, 0);
        }

        // utime(11) stime(12) cutime(13) cstime(14)
        double Field(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
        return ((Field(11) + Field(12)) / TicksPerSecond, (Field(13) + Field(14)) / TicksPerSecond);
    }

    /// <summary>CPU seconds used by the whole machine (all cores) since boot, and the elapsed core-seconds.</summary>
    public static (double Busy, double Total) MachineCpu()
    {
        var (busy, total) = ParseMachineTicks(File.ReadLines("/proc/stat").First());
        return (busy / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>
    /// Busy and total ticks from the aggregate <c>cpu</c> line of <c>/proc/stat</c>. Busy is user, nice, system, irq,
    /// softirq and steal; guest time is already inside user, so it is not added again; idle and iowait are not busy.
    /// </summary>
    public static (double Busy, double Total) ParseMachineTicks(string cpuLine)
    {
        var fields = cpuLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 9 || fields[0] != "cpu")
        {
            throw new FormatException($"not the aggregate cpu line of /proc/stat: '{cpuLine}'");
        }

        var ticks = fields.Skip(1).Take(8).Select(f => double.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal
        var busy = ticks[0] + ticks[1] + ticks[2] + ticks[5] + ticks[6] + ticks[7];
        return (busy, busy + ticks[3] + ticks[4]);
    }

    /// <summary>
    /// The fields of a <c>/proc/PID/stat</c> text after the command name (state first), or null when it does not have
    /// one. The command name may hold spaces and parentheses; it ends at the last ')'.
    /// </summary>
    public static string[]? FieldsAfterName(string statText)
    {
        var end = statText.LastIndexOf(')');
        return end < 0 || end + 2 > statText.Length ? null : statText[(end + 2)..].TrimEnd('\n').Split(' ');
    }

    private static List<int> TreeOf(int root)
    {
        var children = new Dictionary<int, List<int>>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), out var pid) && TryReadParent(pid, out var parent))
            {
                if (!children.TryGetValue(parent, out var list))
                {
                    children[parent] = list = [];
                }

                list.Add(pid);
            }
        }

        List<int> tree = [root];
        for (var i = 0; i < tree.Count; i++)
        {
            if (children.TryGetValue(tree[i], out var list))
            {
                tree.AddRange(list);
            }
        }

        return tree;
    }

    private static bool TryReadParent(int pid, out int parent)
    {
        parent = 0;
        var fields = ReadStatFields(pid);
        return fields is not null && int.TryParse(fields[1], out parent);
    }

    private static bool TryRead(int pid, out ProcessSample sample)
    {
        sample = default;
        var fields = ReadStatFields(pid);
        if (fields is null)
        {
            return false;
        }

        // After the command name: state(0) ppid(1) ... utime(11) stime(12) ... rss pages(21).
        var cpuTicks = double.Parse(fields[11], CultureInfo.InvariantCulture) + double.Parse(fields[12], CultureInfo.InvariantCulture);
        var rssPages = long.Parse(fields[21], CultureInfo.InvariantCulture);
        sample = new ProcessSample(rssPages * Environment.SystemPageSize, cpuTicks / TicksPerSecond);
        return true;
    }

    private static string[]? ReadStatFields(int pid)
    {
        try
        {
            return FieldsAfterName(File.ReadAllText($"/proc/{pid}/stat"));
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static double ReadTicksPerSecond()
    {
        const int scClkTck = 2;
        var ticks = OperatingSystem.IsLinux() ? SysConf(scClkTck) : 100;
        return ticks > 0 ? ticks : 100;
    }

    [LibraryImport("libc", EntryPoint = "sysconf")]
    private static partial long SysConf(int name);
}
