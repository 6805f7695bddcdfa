using System.Text;
using Plural.Gateway.Listeners;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Access;

/// <summary>
/// Shared JWT signing secrets kept in files, one secret per file (two during a rotation), each a
/// <see cref="ReloadingFile{T}"/>: a rotated secret takes effect without a restart. Files that cannot be read at start
/// fail the start; later read errors keep the secret last read.
/// </summary>
internal sealed class JwtSecretFiles
{
    private readonly ReloadingFile<byte[]>[] _files;

    /// <summary>Reads every configured file now; blank entries are ignored.</summary>
    public JwtSecretFiles(IEnumerable<string> paths, TimeProvider clock) =>
        _files = [.. paths.Where(p => !string.IsNullOrWhiteSpace(p)).Select(p => new ReloadingFile<byte[]>(p, Parse, clock))];

    /// <summary>How often the files' metadata is looked at.</summary>
    public static TimeSpan RecheckInterval => ReloadingFile<byte[]>.RecheckInterval;

    /// <summary>True when every configured file exists (blank entries are ignored, as the constructor does); checked at start.</summary>
    public static bool AllExist(IEnumerable<string> paths) => paths.Where(p => !string.IsNullOrWhiteSpace(p)).All(File.Exists);

    /// <summary>True when at least one secret file is configured.</summary>
    public bool IsConfigured => _files.Length > 0;

    /// <summary>The current secrets, non-empty ones only.</summary>
    public IReadOnlyList<byte[]> Current => [.. _files.Select(f => f.Value).Where(s => s.Length > 0)];

    private static byte[] Parse(string content) => Encoding.UTF8.GetBytes(content.Trim());
}
