using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Protocol.Hosting;

namespace Plural.AgentK.Transport;

/// <summary>Builds the call metadata carrying the agent token.</summary>
/// <remarks>
/// A token file may be rewritten by an operator while the agent keeps retrying with the old one, so it is read again
/// when it changes (its timestamp and size are looked at no more than once a second), not at every call. A missing or
/// unreadable file stands for an empty token: the gateway answers <c>Unauthenticated</c>, which the caller already
/// backs off from and reports.
/// </remarks>
internal sealed class GatewayCredentials
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(1);

    private readonly ReloadingFile<string>? _file;
    private readonly string _header;

    public GatewayCredentials(IOptions<GatewayOptions> options, TimeProvider time)
    {
        var agent = options.Value;
        if (string.IsNullOrEmpty(agent.TokenFile))
        {
            _header = $"Bearer {agent.Token}";
        }
        else
        {
            _file = ReloadingFile<string>.Tolerant(agent.TokenFile, text => $"Bearer {text.Trim()}", "Bearer ", time, MaxAge);
            _header = "";
        }
    }

    /// <summary>The metadata of the next call.</summary>
    public Metadata CreateCallHeaders() => new() { { "authorization", _file?.Value ?? _header } };
}
