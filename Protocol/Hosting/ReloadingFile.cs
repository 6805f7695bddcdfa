namespace Plural.Protocol.Hosting;

/// <summary>
/// Files read into one value and read again when any of them changes (modification time or size), checked at most
/// once per recheck interval (<see cref="RecheckInterval"/> unless told otherwise), so that a rotated credential or
/// certificate takes effect without a restart and a hot path pays for no file access between checks. By default
/// the first read happens at construction and its failure fails the start; later, files that are briefly absent or
/// do not parse (a rotation half done) keep the value last read, and the callbacks hear why. A refused set is
/// reported once, not at every check.
/// </summary>
/// <typeparam name="T">The parsed value.</typeparam>
public sealed class ReloadingFile<T> where T : class
{
    /// <summary>How often the files' metadata is looked at by default.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private static readonly (DateTime Modified, long Length) Absent = (DateTime.MinValue, -1);

    private readonly string[] _paths;
    private readonly Func<string[], T> _parse;
    private readonly TimeProvider _clock;
    private readonly ReloadingFileEvents<T> _events;
    private readonly long _intervalTicks;
    private readonly long _rereadTicks;
    private readonly Lock _gate = new();
    private (DateTime Modified, long Length)[] _stamps;
    private T _value;
    private long _checkedAtTicks;
    private long _readAtTicks;

    /// <summary>One file, parsed from its text.</summary>
    public ReloadingFile(string path, Func<string, T> parse, TimeProvider clock, Action<string, Exception>? rejected = null)
        : this([path], contents => parse(contents[0]), clock, ReloadingFileEvents<T>.Problems(rejected))
    {
    }

    /// <summary>Several files parsed together (a certificate and its key), from their texts in the order given.</summary>
    public ReloadingFile(IReadOnlyList<string> paths, Func<string[], T> parse, TimeProvider clock, Action<string, Exception>? rejected = null)
        : this(paths, parse, clock, ReloadingFileEvents<T>.Problems(rejected))
    {
    }

    /// <summary>Several files parsed together, with every reload reported and a recheck interval of the owner's choosing.</summary>
    public ReloadingFile(IReadOnlyList<string> paths, Func<string[], T> parse, TimeProvider clock, ReloadingFileEvents<T> events,
        TimeSpan? recheckInterval = null)
        : this(paths, parse, clock, events, recheckInterval, unreadable: null, rereadEvery: null)
    {
    }

    private ReloadingFile(IReadOnlyList<string> paths, Func<string[], T> parse, TimeProvider clock, ReloadingFileEvents<T> events,
        TimeSpan? recheckInterval, T? unreadable, TimeSpan? rereadEvery)
    {
        _paths = [.. paths];
        _parse = parse;
        _clock = clock;
        _events = events;
        _intervalTicks = (recheckInterval ?? RecheckInterval).Ticks;
        _rereadTicks = rereadEvery?.Ticks ?? long.MaxValue;
        _stamps = [.. _paths.Select(Stamp)];
        if (unreadable is null)
        {
            _value = parse([.. _paths.Select(File.ReadAllText)]);
        }
        else
        {
            try
            {
                _value = parse([.. _paths.Select(File.ReadAllText)]);
            }
            catch (Exception ex) when (IsUnreadable(ex) || IsRefused(ex))
            {
                // Read again at the first check that finds the files in place.
                _stamps = [.. _paths.Select(_ => Absent)];
                _value = unreadable;
                events.Rejected?.Invoke(string.Join(", ", _paths), ex);
            }
        }

        _checkedAtTicks = _readAtTicks = clock.GetUtcNow().UtcTicks;
    }

    /// <summary>
    /// A file that may be missing or unreadable, at start as later, standing for <paramref name="unreadable"/> until it
    /// can be read; read again every <paramref name="rereadEvery"/> even when its metadata looks unchanged (a file
    /// rewritten within the same second at the same size).
    /// </summary>
    public static ReloadingFile<T> Tolerant(string path, Func<string, T> parse, T unreadable, TimeProvider clock, TimeSpan rereadEvery,
        Action<string, Exception>? rejected = null) =>
        new([path], contents => parse(contents[0]), clock, ReloadingFileEvents<T>.Problems(rejected), null, unreadable, rereadEvery);

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
            var due = now.UtcTicks - _readAtTicks >= _rereadTicks;
            if (stamps.SequenceEqual(_stamps) && !due)
            {
                return;
            }

            // Taken even when a file is missing or refused, so that the problem is reported once, not at every check.
            _stamps = stamps;
            if (Array.FindIndex(stamps, s => s.Length < 0) is var missing and >= 0)
            {
                // A file absent for a moment mid-rotation: the previous value stays until it is back.
                _events.Unreadable?.Invoke(_paths[missing], new FileNotFoundException("the file is missing", _paths[missing]));
                return;
            }

            _readAtTicks = now.UtcTicks;
            try
            {
                var previous = _value;
                Volatile.Write(ref _value, _parse([.. _paths.Select(File.ReadAllText)]));
                _events.Replaced?.Invoke(previous, _value);
            }
            catch (Exception ex) when (IsUnreadable(ex))
            {
                _events.Unreadable?.Invoke(string.Join(", ", _paths), ex);
            }
            catch (Exception ex) when (IsRefused(ex))
            {
                _events.Rejected?.Invoke(string.Join(", ", _paths), ex);
            }
        }
    }

    private static bool IsUnreadable(Exception ex) => ex is IOException or UnauthorizedAccessException;

    private static bool IsRefused(Exception ex) =>
        ex is FormatException or InvalidDataException or System.Security.Cryptography.CryptographicException or ArgumentException;

    private static (DateTime Modified, long Length) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : Absent;
    }
}
