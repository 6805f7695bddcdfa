using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;

namespace Plural.Gateway.ServerApi;

/// <summary>
/// Decides whether a <c>ServerApi</c> call comes from the main application: a JWT it signed with the shared secret
/// (<see cref="ServerApiOptions"/>), or the operator's admin token when one is configured
/// (<c>Gateway:AdminToken</c>). Any other credential is refused with a status that says why.
/// </summary>
internal sealed partial class ServerApiAuthenticator
{
    private readonly AdminCredentials _admin;
    private readonly CallerAuthenticator _callers;
    private readonly TimeProvider _clock;
    private readonly ILogger<ServerApiAuthenticator> _logger;
    private readonly JwtRules _rules;
    private readonly JwtSecretFiles _secrets;

    /// <summary>Reads the secret files now; a missing file fails the start.</summary>
    public ServerApiAuthenticator(IOptions<ServerApiOptions> options, AdminCredentials admin, CallerAuthenticator callers,
        TimeProvider clock, ILogger<ServerApiAuthenticator> logger)
    {
        var value = options.Value;
        _admin = admin;
        _callers = callers;
        _clock = clock;
        _logger = logger;
        _rules = new JwtRules(value.JwtIssuer, value.JwtAudience, value.JwtClockSkew, value.JwtMaxLifetime);
        _secrets = new JwtSecretFiles(value.JwtSecretFiles, clock);
    }

    /// <summary>Returns when the <c>authorization</c> header admits the call; otherwise throws the refusal as an <see cref="RpcException"/>.</summary>
    public async ValueTask AuthorizeAsync(string? authorization, CancellationToken ct)
    {
        var credential = CallerAuthenticator.BearerOf(authorization);
        if (credential.Length == 0)
        {
            throw Refuse(StatusCode.Unauthenticated, "no credential: send \"authorization: Bearer <main-application JWT>\"");
        }

        if (HmacJwt.LooksLikeJwt(credential))
        {
            if (!_secrets.IsConfigured)
            {
                throw Refuse(StatusCode.Unauthenticated, "main-application JWTs are not configured on this gateway (Gateway:ServerApi:JwtSecretFiles)");
            }

            if (HmacJwt.Validate(credential, _secrets.Current, _rules, _clock.GetUtcNow(), out var refusal) is null)
            {
                throw Refuse(StatusCode.Unauthenticated, "main-application JWT refused: " + refusal);
            }

            return;
        }

        if (_admin.Accepts(authorization))
        {
            return;
        }

        if (UserAccessToken.TryParseId(credential, out _) && await _callers.AuthenticateAsync(credential, ct) is not null)
        {
            throw Refuse(StatusCode.PermissionDenied, "user access tokens reach the Kubernetes proxy only; ServerApi takes the main application's JWT");
        }

        throw Refuse(StatusCode.Unauthenticated, "unknown credential: ServerApi takes the main application's JWT");
    }

    private RpcException Refuse(StatusCode code, string reason)
    {
        LogRefused(_logger, code, reason);
        return new RpcException(new Status(code, reason));
    }

    [LoggerMessage(EventId = 2701, Level = LogLevel.Information, Message = "ServerApi call refused ({Code}): {Reason}")]
    private static partial void LogRefused(ILogger logger, StatusCode code, string reason);
}
