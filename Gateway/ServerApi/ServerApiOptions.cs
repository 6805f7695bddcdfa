using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.ServerApi;

/// <summary>How the main application authenticates to <c>ServerApi</c>, how long create calls stay idempotent and writes may run. Section <c>Gateway:ServerApi</c>.</summary>
internal sealed class ServerApiOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:ServerApi";

    /// <summary>Files holding the main application's JWT signing secrets (HS256); two during a rotation. Re-read when they change.</summary>
    public List<string> JwtSecretFiles { get; set; } = [];

    /// <summary>Required <c>iss</c> of the main application's JWTs.</summary>
    [Required] public string JwtIssuer { get; set; } = "plural";

    /// <summary>
    /// Required <c>aud</c>. Differs from the Kubernetes proxy's audience so a token minted for a user's kubectl
    /// can never drive the API.
    /// </summary>
    [Required] public string JwtAudience { get; set; } = "plural-server-api";

    /// <summary>Clock difference tolerated when checking <c>exp</c> and <c>nbf</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")] public TimeSpan JwtClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest <c>exp - iat</c> accepted: the main application mints short-lived tokens.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan JwtMaxLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long a create call's answer is kept for retries with the same <c>request_id</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")] public TimeSpan IdempotencyWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// How long a call that changes state (registrations, tokens, access policies, deletions) may run before the caller
    /// is told <c>Unavailable</c>: below Orleans' response timeout, so a write whose grain sat on a lost silo fails
    /// fast with a retryable status instead of hanging. The call is not cancelled and may still take effect.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")] public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
