namespace Plural.Gateway.Listeners;

/// <summary>
/// Files read into one value and read again when any of them changes (modification time or size), checked at most
/// once per <see cref="RecheckInterval"/>, so that a rotated credential or certificate takes effect without a
/// restart. The first read happens at construction and its failure fails the start; later, files that are briefly
/// absent or do not parse (a rotation half done) keep the value last read, and the rejection callback hears why.
/// </summary>
internal sealed class ReloadingFile<T> where T : class
{
    /// <summary>How often the files' metadata is looked at.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly string[] _paths;
    private readonly Func<string[], T> _parse;
    private readonly TimeProvider _clock;
    private readonly Action<string, Exception>? _rejected;
    private readonly Lock _gate = new();
    private (DateTime Modified, long Length)[] _stamps;
    private T _value;
    private long _checkedAtTicks;

    /// <summary>One file, parsed from its text.</summary>
    public ReloadingFile(string path, Func<string, T> parse, TimeProvider clock, Action<string, Exception>? rejected = null)
        : this([path], contents => parse(contents[0]), clock, rejected)
    {
    }

    /// <summary>Several files parsed together (a certificate and its key), from their texts in the order given.</summary>
    public ReloadingFile(IReadOnlyList<string> paths, Func<string[], T> parse, TimeProvider clock, Action<string, Exception>? rejected = null)
    {
        _paths = [.. paths];
        _parse = parse;
        _clock = clock;
        _rejected = rejected;
        _stamps = [.. _paths.Select(Stamp)];
        _value = parse([.. _paths.Select(File.ReadAllText)]);
        _checkedAtTicks = clock.GetUtcNow().UtcTicks;
    }

    /// <summary>The value of the files as last read successfully.</summary>
    public T Value
    {
        get
        {
            var now = _clock.GetUtcNow();
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
            var stamps = _paths.Select(Stamp).ToArray();
            if (stamps.SequenceEqual(_stamps) || stamps.Any(s => s.Length < 0))
            {
                // Unchanged, or a file absent for a moment mid-rotation: the previous value stays until it is back.
                return;
            }

            // Taken even when the content is refused, so that a bad file is reported once, not at every check.
            _stamps = stamps;
            try
            {
                Volatile.Write(ref _value, _parse([.. _paths.Select(File.ReadAllText)]));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                _rejected?.Invoke(string.Join(", ", _paths), ex);
            }
        }
    }

    private static (DateTime Modified, long Length) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }
}
