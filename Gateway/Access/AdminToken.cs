using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Access;

/// <summary>The credential the main application presents to <c>ServerApi</c> and the admin HTTP routes.</summary>
internal sealed class AdminToken
{
    private readonly byte[]? _expectedHash;

    /// <summary>Reads the token from configuration or its file.</summary>
    public AdminToken(IOptions<GatewayOptions> options)
    {
        var value = options.Value;
        var token = !string.IsNullOrWhiteSpace(value.AdminToken) ? value.AdminToken
            : !string.IsNullOrWhiteSpace(value.AdminTokenFile) ? File.ReadAllText(value.AdminTokenFile).Trim()
            : null;
        _expectedHash = token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(token));
    }

    /// <summary>True when the authorization header value carries the admin token.</summary>
    public bool Accepts(string? authorization)
    {
        if (_expectedHash is null || authorization is null
            || !authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(authorization["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _expectedHash);
    }
}
