using System.Buffers.Text;
using System.Security.Cryptography;

namespace Plural.Gateway.Access;

/// <summary>
/// The format of user access tokens: <c>plrl_user_&lt;id&gt;_&lt;secret&gt;</c>. The public id names the token's grain, so
/// a presented token costs one grain call; only the SHA-256 of the whole token is stored.
/// </summary>
internal static class UserAccessToken
{
    /// <summary>Prefix that tells user tokens apart from other credentials.</summary>
    public const string Prefix = "plrl_user_";

    /// <summary>A new token and its id.</summary>
    public static (string TokenId, string Token) Create()
    {
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        return (id, $"{Prefix}{id}_{secret}");
    }

    /// <summary>The id inside a presented token; false when it is not shaped like a user token.</summary>
    public static bool TryParseId(string token, out string tokenId)
    {
        tokenId = "";
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 256)
        {
            return false;
        }

        var rest = token.AsSpan(Prefix.Length);
        var separator = rest.IndexOf('_');
        if (separator != 16 || rest.Length < separator + 20 || !IsHex(rest[..separator]))
        {
            return false;
        }

        tokenId = rest[..separator].ToString();
        return true;
    }

    private static bool IsHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }
}
