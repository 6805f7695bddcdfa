using System.Text;

namespace Plural.Gateway.Access;

/// <summary>
/// Shared JWT signing secrets kept in files, one secret per file (two during a rotation). A file is read again when
/// its modification time or size changes, checked at most once per <see cref="RecheckInterval"/>, so a rotated secret
/// takes effect without a restart. Files that cannot be read at start fail the start; later read errors keep the
/// secret last read.
/// </summary>
internal sealed class JwtSecretFiles
{
    /// <summary>How often the files' metadata is looked at.</summary>
    public static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly string[] _paths;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private (DateTime Modified, long Length)[] _stamps;
    private readonly byte[][] _bySource;
    private byte[][] _current;
    private DateTimeOffset _checkedAt;

    /// <summary>Reads every configured file now; blank entries are ignored.</summary>
    public JwtSecretFiles(IEnumerable<string> paths, TimeProvider clock)
    {
        _paths = [.. paths.Where(p => !string.IsNullOrWhiteSpace(p))];
        _clock = clock;
        _stamps = [.. _paths.Select(Stamp)];
        _bySource = [.. _paths.Select(Read)];
        _current = [.. _bySource.Where(s => s.Length > 0)];
        _checkedAt = clock.GetUtcNow();
    }

    /// <summary>True when every configured file exists (blank entries are ignored, as the constructor does); checked at start.</summary>
    public static bool AllExist(IEnumerable<string> paths) => paths.Where(p => !string.IsNullOrWhiteSpace(p)).All(File.Exists);

    /// <summary>True when at least one secret file is configured.</summary>
    public bool IsConfigured => _paths.Length > 0;

    /// <summary>The current secrets, non-empty ones only.</summary>
    public IReadOnlyList<byte[]> Current
    {
        get
        {
            var now = _clock.GetUtcNow();
            if (now - _checkedAt >= RecheckInterval)
            {
                Refresh(now);
            }

            return Volatile.Read(ref _current);
        }
    }

    private void Refresh(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (now - _checkedAt < RecheckInterval)
            {
                return;
            }

            _checkedAt = now;
            for (var i = 0; i < _paths.Length; i++)
            {
                try
                {
                    var stamp = Stamp(_paths[i]);
                    if (stamp != _stamps[i])
                    {
                        _bySource[i] = Read(_paths[i]);
                        _stamps[i] = stamp;
                    }
                }
                catch (IOException)
                {
                    // Mid-rotation the file may be briefly absent; the previous secret stays until it reappears.
                }
                catch (UnauthorizedAccessException)
                {
                }
            }

            Volatile.Write(ref _current, [.. _bySource.Where(s => s.Length > 0)]);
        }
    }

    private static (DateTime, long) Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
    }

    private static byte[] Read(string path) => Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());
}
