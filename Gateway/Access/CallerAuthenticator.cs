using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;
using Plural.Grains.Access;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Access;

/// <summary>
/// Turns a presented credential (user access token, main-application JWT or the admin token) into a
/// <see cref="Caller"/>. User tokens are remembered for <see cref="AccessOptions.TokenCacheTime"/>, which bounds
/// how long a revocation takes to reach every gateway once the token's grain answers; while it does not (its silo
/// died), the last answer keeps serving for up to <see cref="GrainReadOptions.MaxStaleness"/>.
/// </summary>
internal sealed partial class CallerAuthenticator(
    IGrainFactory grains,
    AdminCredentials admin,
    MainAppJwtValidator jwts,
    IOptions<AccessOptions> options,
    IOptions<GrainReadOptions> reads,
    TimeProvider clock,
    ILogger<CallerAuthenticator> logger)
{
    private readonly GrainReadCache<UserTokenGrant?> _tokens = new("user token", logKeys: false, reads.Value, clock, logger);

    /// <summary>The caller, or null when the credential proves nothing.</summary>
    public async ValueTask<Caller?> AuthenticateAsync(string credential, CancellationToken ct) =>
        (await AuthenticateWithReasonAsync(credential, ct)).Caller;

    /// <summary>The caller, or null plus a reason a user can act on.</summary>
    public async ValueTask<(Caller? Caller, string Refusal)> AuthenticateWithReasonAsync(string credential, CancellationToken ct)
    {
        credential = credential.Trim();
        if (credential.Length == 0)
        {
            return (null, "no credential");
        }

        if (UserAccessToken.TryParseId(credential, out var tokenId))
        {
            var grant = await ResolveAsync(tokenId, credential, ct);
            if (grant is null)
            {
                return (null, "unknown user token");
            }

            if (!grant.IsValidAt(clock.GetUtcNow()))
            {
                return (null, grant.RevokedAt is null ? "user token expired" : "user token revoked");
            }

            var agents = grant.Agents.Contains(UserTokenGrant.AllAgents) ? null : grant.Agents.ToHashSet(StringComparer.Ordinal);
            return (new Caller(CallerKind.UserToken, grant.User, grant.Groups, agents), "");
        }

        if (MainAppJwtValidator.LooksLikeJwt(credential))
        {
            var caller = jwts.Validate(credential, out var refusal);
            if (caller is null)
            {
                LogJwtRefused(logger, refusal);
            }

            return (caller, refusal);
        }

        return admin.NameOf("Bearer " + credential) is { } name
            ? (new Caller(CallerKind.Admin, name, [], null), "")
            : (null, "unknown credential");
    }

    /// <summary>Reads the bearer token of an <c>Authorization</c> header; empty when there is none.</summary>
    public static string BearerOf(string? authorization) =>
        authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? authorization["Bearer ".Length..].Trim()
            : "";

    private ValueTask<UserTokenGrant?> ResolveAsync(string tokenId, string token, CancellationToken ct)
    {
        var hash = AgentTokenHash.Compute(token);
        return _tokens.GetAsync(hash, () => grains.GetGrain<IUserTokenGrain>(tokenId).Resolve(hash), options.Value.TokenCacheTime, ct);
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Refused a main-application token: {Refusal}")]
    private static partial void LogJwtRefused(ILogger logger, string refusal);
}
