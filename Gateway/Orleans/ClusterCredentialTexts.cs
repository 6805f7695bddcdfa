using System.Security.Cryptography;
using System.Text;

namespace Plural.Gateway.Orleans;

/// <summary>The text of the three files at one moment.</summary>
internal sealed record ClusterCredentialTexts(string Certificate, string Key, string Authorities)
{
    /// <summary>A digest of all three, to tell whether anything changed since the last reading.</summary>
    public string Digest() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Certificate + "\0" + Key + "\0" + Authorities)));
}
