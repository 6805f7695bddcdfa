namespace Plural.Gateway.Access;

/// <summary>
/// A file read into a value and read again when its modification time or size changes, checked at most once per
/// <see cref="RecheckInterval"/>, so that a rotated credential takes effect without a restart. The first read happens
/// at construction and its failure fails the start; later, a file that is briefly absent or does not parse (a
/// rotation half done) keeps the value last read, and <paramref name="rejected"/> hears why.
/// </summary>
internal sealed class ReloadingFile<T>(string path, Func<string, T> parse, TimeProvider clock, Action<string, Exception>? rejected = null)
    where T : class
{
    /// <summary>How often the file's metadata is looked at.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private (DateTime Modified, long Length) _stamp = Stamp(path);
    private T _value = parse(File.ReadAllText(path));
    private long _checkedAtTicks = clock.GetUtcNow().UtcTicks;

    /// <summary>The file's path.</summary>
    public string Path => path;

    /// <summary>The value of the file as last read successfully.</summary>
    public T Value
    {
        get
        {
            var now = clock.GetUtcNow();
            if (now.UtcTicks - Volatile.Read(ref _checkedAtTicks) >= RecheckInterval.Ticks)
            {
                Refresh(now);
            }

            return Volatile.Read(ref _value);
        }
    }

    private void Refresh(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (now.UtcTicks - _checkedAtTicks < RecheckInterval.Ticks)
            {
                return;
            }

            Volatile.Write(ref _checkedAtTicks, now.UtcTicks);
            var stamp = Stamp(path);
            if (stamp == _stamp || stamp.Length < 0)
            {
                // Unchanged, or absent for a moment mid-rotation: the previous value stays until the file is back.
                return;
            }

            // Taken even when the content is refused, so that a bad file is reported once, not at every check.
            _stamp = stamp;
            try
            {
                Volatile.Write(ref _value, parse(File.ReadAllText(path)));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                rejected?.Invoke(path, ex);
            }
        }
    }

    private static (DateTime Modified, long Length) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }
}
