using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Plural.Protocol.Server;
using Plural.Protocol.Tls;

namespace Plural.Client;

/// <summary>
/// The generated <c>ServerApi</c> client on a channel that puts a fresh main-application JWT on every call
/// (reminted when less than a fifth of its lifetime is left), or the operator's admin token.
/// </summary>
public sealed class PluralServerClient : IDisposable
{
    private readonly GrpcChannel _channel;
    private readonly PluralClientOptions _options;
    private readonly Lock _gate = new();
    private (string Token, DateTimeOffset RemintAt) _current;

    /// <summary>Opens a channel to <see cref="PluralClientOptions.Address"/>.</summary>
    public PluralServerClient(PluralClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.JwtSecret is not { Length: > 0 } && string.IsNullOrEmpty(options.AdminToken))
        {
            throw new ArgumentException("either a JWT secret or an admin token is required", nameof(options));
        }

        _options = options;
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (CertificateTrust.CreateValidator(options.CertificateAuthorityFile, serverName: null) is { } validator)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = validator;
        }

        _channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true });
        Api = new ServerApi.ServerApiClient(_channel.Intercept(metadata =>
        {
            metadata.Add("authorization", "Bearer " + Credential());
            return metadata;
        }));
    }

    /// <summary>The generated client; every call carries the credential.</summary>
    public ServerApi.ServerApiClient Api { get; }

    /// <summary>A new idempotency key for a create call; reuse it when retrying that call.</summary>
    public static string NewRequestId() => Guid.NewGuid().ToString("N");

    /// <summary>Reads the secret from a file as the gateway does (trimmed UTF-8).</summary>
    public static byte[] ReadSecretFile(string path) => System.Text.Encoding.UTF8.GetBytes(File.ReadAllText(path).Trim());

    /// <inheritdoc />
    public void Dispose() => _channel.Dispose();

    private string Credential()
    {
        if (_options.JwtSecret is not { Length: > 0 } secret)
        {
            return _options.AdminToken!;
        }

        var now = _options.Clock.GetUtcNow();
        lock (_gate)
        {
            if (_current.Token is null || now >= _current.RemintAt)
            {
                var token = MainAppJwt.Mint(secret, _options.Issuer, _options.Audience, _options.Subject, now, _options.TokenLifetime);
                _current = (token, now + _options.TokenLifetime * 0.8);
            }

            return _current.Token;
        }
    }
}
