using System.Globalization;

namespace Plural.Bench.Processes;

/// <summary>
/// Where a process's resident memory is, as Linux counts it in <c>/proc/PID/status</c>: anonymous pages (the GC heap,
/// the runtime's type and code heaps when write-xor-execute is off, native allocations, thread stacks), pages of mapped
/// files (the runtime and the assemblies, shared with every other .NET process on the node) and shared memory (the
/// runtime's double-mapped code and type heaps under write-xor-execute, counted once per mapping).
/// </summary>
/// <param name="AnonymousBytes"><c>RssAnon</c>.</param>
/// <param name="FileBytes"><c>RssFile</c>.</param>
/// <param name="SharedMemoryBytes"><c>RssShmem</c>.</param>
public readonly record struct ResidentBreakdown(long AnonymousBytes, long FileBytes, long SharedMemoryBytes)
{
    /// <summary>Reads the breakdown of one process; zeros when it has gone or the system has no such file.</summary>
    public static ResidentBreakdown Read(int pid)
    {
        long anonymous = 0, file = 0, shared = 0;
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anonymous = Kilobytes(line);
                else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kilobytes(line);
                else if (line.StartsWith("RssShmem:", StringComparison.Ordinal)) shared = Kilobytes(line);
            }
        }
        catch (IOException)
        {
            // The process has exited.
        }

        return new ResidentBreakdown(anonymous, file, shared);
    }

    private static long Kilobytes(string line) =>
        1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
