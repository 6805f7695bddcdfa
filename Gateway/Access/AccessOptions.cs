using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Access;

/// <summary>User access to agents: user tokens and main-application JWTs. Section <c>Gateway:Access</c>.</summary>
public sealed class AccessOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:Access";

    /// <summary>Lifetime of a user token when the issuer asks for none.</summary>
    public TimeSpan DefaultTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Longest lifetime a user token may be issued with.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long a gateway trusts what it learned about a user token. Bounds how long a revocation takes to reach
    /// every gateway.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")] public TimeSpan TokenCacheTime { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Files holding the main application's JWT signing secrets (HS256); two during a rotation.</summary>
    public List<string> JwtSecretFiles { get; set; } = [];

    /// <summary>Required <c>iss</c> of main-application JWTs.</summary>
    public string JwtIssuer { get; set; } = "plural";

    /// <summary>Required <c>aud</c> of main-application JWTs.</summary>
    public string JwtAudience { get; set; } = "plural-gateway";

    /// <summary>Clock difference tolerated when checking <c>exp</c> and <c>nbf</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")] public TimeSpan JwtClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest <c>exp - iat</c> accepted: main-application JWTs are meant to be short-lived.</summary>
    public TimeSpan JwtMaxLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Prefix of the impersonated user name in <see cref="Plural.Grains.Access.ClusterIdentityMode.ImpersonateUser"/> mode.</summary>
    [Required] public string UserPrefix { get; set; } = "plural:user:";

    /// <summary>
    /// Base URL users reach this gateway's HTTP listener at, written into kubeconfigs. Default: the HTTP listener's
    /// own URL, right for a single gateway; behind a load balancer set it to the public address.
    /// </summary>
    public string? KubeconfigServerUrl { get; set; }

    /// <summary>PEM CA bundle that kubeconfigs carry to trust the gateway's certificate; none when the certificate is publicly trusted.</summary>
    public string? KubeconfigCaFile { get; set; }

    /// <summary>Group every impersonated user gets, besides their own.</summary>
    [Required] public string UserGroup { get; set; } = "plural:user";
}
