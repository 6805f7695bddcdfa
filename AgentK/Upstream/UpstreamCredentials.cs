using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Upstream;

/// <summary>
/// The agent's own credentials for the upstream: a bearer token read from a file. Service account
/// tokens rotate, so the file is read again when its timestamp changes, and at least once a minute
/// in case the change hides behind a symbolic link swap.
/// </summary>
internal sealed class UpstreamCredentials(IOptions<UpstreamOptions> options, TimeProvider time)
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private CachedToken? _cached;

    /// <summary>The <c>Authorization</c> value for the next upstream request, or null without credentials.</summary>
    public AuthenticationHeaderValue? Current()
    {
        var path = options.Value.BearerTokenFile;
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        var now = time.GetUtcNow();
        var written = File.GetLastWriteTimeUtc(path);
        var cached = Volatile.Read(ref _cached);
        if (cached is null || cached.Written != written || now - cached.ReadAt > MaxAge)
        {
            var token = File.Exists(path) ? File.ReadAllText(path).Trim() : "";
            cached = new CachedToken(token.Length == 0 ? null : new AuthenticationHeaderValue("Bearer", token), written, now);
            Volatile.Write(ref _cached, cached);
        }

        return cached.Header;
    }

    private sealed record CachedToken(AuthenticationHeaderValue? Header, DateTime Written, DateTimeOffset ReadAt);
}
