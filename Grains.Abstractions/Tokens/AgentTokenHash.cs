using System.Security.Cryptography;
using System.Text;

namespace Plural.Grains.Tokens;

/// <summary>The one place where a token secret becomes the key it is known by.</summary>
public static class AgentTokenHash
{
    /// <summary>Lower-case hex SHA-256 of the UTF-8 bytes of <paramref name="token"/>.</summary>
    public static string Compute(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
