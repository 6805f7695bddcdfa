using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Plural.Protocol.Hosting;

namespace Plural.AgentK.Upstream;

/// <summary>
/// The agent's own credentials for the upstream: a bearer token read from a file. Service account tokens rotate, so
/// the file is read again when its timestamp or size changes (looked at no more than once a second, not per request),
/// and at least once a minute in case the change hides behind a symbolic link swap.
/// </summary>
internal sealed class UpstreamCredentials
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly ReloadingFile<TokenHeader>? _file;

    public UpstreamCredentials(IOptions<UpstreamOptions> options, TimeProvider time)
    {
        var path = options.Value.BearerTokenFile;
        if (!string.IsNullOrEmpty(path))
        {
            _file = ReloadingFile<TokenHeader>.Tolerant(path, TokenHeader.Parse, TokenHeader.None, time, MaxAge);
        }
    }

    /// <summary>The <c>Authorization</c> value for the next upstream request, or null without credentials.</summary>
    public AuthenticationHeaderValue? Current() => _file?.Value.Header;

    private sealed record TokenHeader(AuthenticationHeaderValue? Header)
    {
        public static readonly TokenHeader None = new((AuthenticationHeaderValue?)null);

        public static TokenHeader Parse(string text)
        {
            var token = text.Trim();
            return token.Length == 0 ? None : new TokenHeader(new AuthenticationHeaderValue("Bearer", token));
        }
    }
}
