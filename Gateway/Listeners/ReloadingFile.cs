namespace Plural.Gateway.Listeners;

/// <summary>
/// Files read into one value and read again when any of them changes (modification time or size), checked at most
/// once per recheck interval (<see cref="RecheckInterval"/> unless told otherwise), so that a rotated credential or
/// certificate takes effect without a restart. The first read happens at construction and its failure fails the
/// start; later, files that are briefly absent or do not parse (a rotation half done) keep the value last read, and
/// the callbacks hear why. A refused set is reported once, not at every check.
/// </summary>
internal sealed class ReloadingFile<T> where T : class
{
    /// <summary>How often the files' metadata is looked at by default.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly string[] _paths;
    private readonly Func<string[], T> _parse;
    private readonly TimeProvider _clock;
    private readonly ReloadingFileEvents<T> _events;
    private readonly long _intervalTicks;
    private readonly Lock _gate = new();
    private (DateTime Modified, long Length)[] _stamps;
    private T _value;
    private long _checkedAtTicks;

    /// <summary>One file, parsed from its text.</summary>
    public ReloadingFile(string path, Func<string, T> parse, TimeProvider clock, Action<string, Exception>? rejected = null)
        : this([path], contents => parse(contents[0]), clock, new ReloadingFileEvents<T> { Rejected = rejected })
    {
    }

    /// <summary>Several files parsed together (a certificate and its key), from their texts in the order given.</summary>
    public ReloadingFile(IReadOnlyList<string> paths, Func<string[], T> parse, TimeProvider clock, ReloadingFileEvents<T>? events = null,
        TimeSpan? recheckInterval = null)
    {
        _paths = [.. paths];
        _parse = parse;
        _clock = clock;
        _events = events ?? new ReloadingFileEvents<T>();
        _intervalTicks = (recheckInterval ?? RecheckInterval).Ticks;
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
            if (now.UtcTicks - Volatile.Read(ref _checkedAtTicks) >= _intervalTicks)
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
            if (now.UtcTicks - _checkedAtTicks < _intervalTicks)
            {
                return;
            }

            Volatile.Write(ref _checkedAtTicks, now.UtcTicks);
            var stamps = _paths.Select(Stamp).ToArray();
            if (stamps.SequenceEqual(_stamps))
            {
                return;
            }

            if (Array.FindIndex(stamps, s => s.Length < 0) is var missing and >= 0)
            {
                // A file absent for a moment mid-rotation: the previous value stays until it is back.
                _events.Unreadable?.Invoke(_paths[missing], new FileNotFoundException("the file is missing", _paths[missing]));
                return;
            }

            // Taken even when the content is refused, so that a bad file is reported once, not at every check.
            _stamps = stamps;
            try
            {
                var previous = _value;
                Volatile.Write(ref _value, _parse([.. _paths.Select(File.ReadAllText)]));
                _events.Replaced?.Invoke(previous, _value);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                _events.Unreadable?.Invoke(string.Join(", ", _paths), ex);
            }
            catch (Exception ex) when (ex is FormatException or InvalidDataException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                _events.Rejected?.Invoke(string.Join(", ", _paths), ex);
            }
        }
    }

    private static (DateTime Modified, long Length) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }
}
