namespace Plural.Gateway.Access;

/// <summary>What an HS256 JWT must satisfy besides its signature: issuer, audience, expiry with skew, short lifetime.</summary>
/// <param name="Issuer">Required <c>iss</c>.</param>
/// <param name="Audience">Required <c>aud</c> (one of them when it is a list).</param>
/// <param name="ClockSkew">Clock difference tolerated when checking <c>exp</c> and <c>nbf</c>.</param>
/// <param name="MaxLifetime">Longest <c>exp - iat</c> accepted.</param>
internal sealed record JwtRules(string Issuer, string Audience, TimeSpan ClockSkew, TimeSpan MaxLifetime);
