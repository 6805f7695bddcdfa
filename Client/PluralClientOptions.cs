namespace Plural.Client;

/// <summary>Where the gateway's <c>ServerApi</c> listens and how to authenticate to it.</summary>
public sealed class PluralClientOptions
{
    /// <summary>The gateway's API listener, e.g. <c>https://plural-gateway:8153</c>.</summary>
    public required Uri Address { get; init; }

    /// <summary>
    /// PEM bundle of the certificate authorities the listener's certificate must chain to (pinned, replacing the
    /// system's trust store). Default: the system's trust store.
    /// </summary>
    public string? CertificateAuthorityFile { get; init; }

    /// <summary>The shared HS256 secret (the contents of the gateway's <c>Gateway:ServerApi:JwtSecretFiles</c> entry).</summary>
    public byte[]? JwtSecret { get; init; }

    /// <summary><c>iss</c> of minted tokens; the gateway's <c>Gateway:ServerApi:JwtIssuer</c>.</summary>
    public string Issuer { get; init; } = "plural";

    /// <summary><c>aud</c> of minted tokens; the gateway's <c>Gateway:ServerApi:JwtAudience</c>.</summary>
    public string Audience { get; init; } = "plural-server-api";

    /// <summary><c>sub</c> of minted tokens: who is calling, for the gateway's logs.</summary>
    public string Subject { get; init; } = "main-app";

    /// <summary>Lifetime of each minted token; the gateway refuses ones longer than its <c>JwtMaxLifetime</c>.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>An operator's admin token, used instead of a JWT when no <see cref="JwtSecret"/> is given.</summary>
    public string? AdminToken { get; init; }

    /// <summary>The clock tokens are minted with.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
