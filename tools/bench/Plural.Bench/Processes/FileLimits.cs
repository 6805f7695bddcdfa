using System.Runtime.InteropServices;

namespace Plural.Bench.Processes;

/// <summary>Raises the open-file limit of this process (and so of the children it starts afterwards).</summary>
public static partial class FileLimits
{
    private const int RlimitNofile = 7;

    /// <summary>Raises the soft limit to <paramref name="wanted"/>, and the hard one too when allowed; returns the soft limit in force.</summary>
    public static long Raise(long wanted)
    {
        if (!OperatingSystem.IsLinux() || GetRlimit(RlimitNofile, out var current) != 0)
        {
            return -1;
        }

        if (current.Current >= (ulong)wanted)
        {
            return (long)current.Current;
        }

        // Root may lift the hard limit; anyone may go up to it.
        var raised = new Rlimit { Current = (ulong)wanted, Maximum = Math.Max(current.Maximum, (ulong)wanted) };
        if (SetRlimit(RlimitNofile, in raised) != 0)
        {
            raised = new Rlimit { Current = Math.Min((ulong)wanted, current.Maximum), Maximum = current.Maximum };
            SetRlimit(RlimitNofile, in raised);
        }

        return GetRlimit(RlimitNofile, out current) == 0 ? (long)current.Current : -1;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Rlimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit")]
    private static partial int GetRlimit(int resource, out Rlimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit")]
    private static partial int SetRlimit(int resource, in Rlimit limit);
}
