namespace Plural.Grains.Git;

/// <summary>
/// Names one polled (repository, ref) pair. The key of <see cref="IRepositoryPollerGrain"/> is
/// <c>&lt;ref&gt; + " " + &lt;url&gt;</c>: a ref never contains a space, so the first space splits it unambiguously.
/// </summary>
public static class RepositoryKey
{
    /// <summary>The ref polled when none is named.</summary>
    public const string DefaultRef = "main";

    /// <summary>The poller key of <paramref name="url"/> at <paramref name="gitRef"/>.</summary>
    public static string Format(string url, string? gitRef) =>
        $"{NormalizeRef(gitRef)} {NormalizeUrl(url)}";

    /// <summary>Splits a poller key into its URL and ref.</summary>
    public static (string Url, string Ref) Parse(string key)
    {
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0)
        {
            throw new ArgumentException($"'{key}' is not a repository key (expected '<ref> <url>')", nameof(key));
        }

        return (key[(space + 1)..], key[..space]);
    }

    /// <summary>The URL as pollers are keyed by it: trimmed, without a trailing slash.</summary>
    public static string NormalizeUrl(string url)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(url);
        var trimmed = url.Trim().TrimEnd('/');
        if (trimmed.Contains(' ', StringComparison.Ordinal))
        {
            throw new ArgumentException("a repository URL must not contain spaces", nameof(url));
        }

        return trimmed;
    }

    /// <summary>A branch name as given (<c>main</c>), or the default; <c>refs/heads/</c> is dropped.</summary>
    public static string NormalizeRef(string? gitRef)
    {
        var value = string.IsNullOrWhiteSpace(gitRef) ? DefaultRef : gitRef.Trim();
        if (value.StartsWith("refs/heads/", StringComparison.Ordinal))
        {
            value = value["refs/heads/".Length..];
        }

        if (value.Contains(' ', StringComparison.Ordinal) || value.Contains("..", StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{gitRef}' is not a valid ref", nameof(gitRef));
        }

        return value;
    }
}
