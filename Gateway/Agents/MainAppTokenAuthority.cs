using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Plural.Grains.Agents;
using Plural.Grains.Tokens;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Agents;

/// <summary>
/// Asks the main application about an agent token no grain knows, as the seed's server asks Plural RoR. Only the
/// token's SHA-256 leaves the gateway (the main application keeps that hash when it issues a token), so the secret
/// goes no further than the gateway it was presented to. <c>200 {"agent", "token_id"?, "expires_at"?}</c> vouches
/// for a registered agent, <c>404</c> says the token is unknown, anything else (slow, down, a refusal of the
/// gateway's credential, garbage) is a failure the agent is told to retry, never an answer. Checks are bounded in
/// time and number, so a slow endpoint holds up only the unknown tokens waiting on it.
/// </summary>
internal sealed partial class MainAppTokenAuthority : IDisposable
{
    private readonly TokenAuthorityOptions _options;
    private readonly IGrainFactory _grains;
    private readonly ILogger<MainAppTokenAuthority> _logger;
    private readonly HttpClient _http;
    private readonly SemaphoreSlim _slots;
    private readonly ReloadingFile<string>? _credential;

    public MainAppTokenAuthority(IOptions<TokenAuthorityOptions> options, IGrainFactory grains, TimeProvider clock, ILogger<MainAppTokenAuthority> logger)
    {
        (_options, _grains, _logger) = (options.Value, grains, logger);
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        _slots = new SemaphoreSlim(_options.MaxConcurrentRequests);
        if (_options.CredentialFile.Length > 0)
        {
            _credential = new ReloadingFile<string>(_options.CredentialFile, text => text.Trim(), clock);
        }
    }

    /// <summary>True when the gateway is configured to ask.</summary>
    public bool Enabled => _options.Enabled;

    /// <summary>
    /// The binding the main application vouches for, or null when it says the token is unknown. Throws
    /// <see cref="RpcException"/> (<c>Unavailable</c>) when it gives no usable answer in time.
    /// </summary>
    public async Task<TokenBinding?> ResolveAsync(string hash)
    {
        if (!await _slots.WaitAsync(TimeSpan.Zero))
        {
            throw Failure($"has {_options.MaxConcurrentRequests} checks in flight already");
        }

        try
        {
            using var timeout = new CancellationTokenSource(_options.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Post, _options.Url)
            {
                Content = new StringContent(JsonSerializer.Serialize(new Dictionary<string, string> { ["token_sha256"] = hash }), Encoding.UTF8, "application/json"),
            };
            if (_credential?.Value is { Length: > 0 } credential)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credential);
            }

            string body;
            HttpStatusCode status;
            try
            {
                using var response = await _http.SendAsync(request, timeout.Token);
                status = response.StatusCode;
                body = status == HttpStatusCode.OK ? await response.Content.ReadAsStringAsync(timeout.Token) : "";
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested)
            {
                throw Failure($"did not answer within {_options.Timeout.TotalSeconds:0.###} s");
            }
            catch (HttpRequestException unreachable)
            {
                throw Failure($"could not be reached ({unreachable.HttpRequestError})");
            }

            return status switch
            {
                HttpStatusCode.OK => await VouchedAsync(TokenAnswer.Parse(body) ?? throw Failure("answered 200 with a body that is not {\"agent\": ...}"), hash),
                HttpStatusCode.NotFound => null,
                _ => throw Failure($"answered {(int)status}"),
            };
        }
        finally
        {
            _slots.Release();
        }
    }

    private async Task<TokenBinding?> VouchedAsync(TokenAnswer answer, string hash)
    {
        // Sessions, leases and routes all hang off the agent's grain: a name nobody registered is no agent here.
        if (await _grains.GetGrain<IAgentGrain>(answer.Agent).Get() is null)
        {
            LogUnregistered(_logger, answer.Agent);
            return null;
        }

        // Limits and retirements are kept per token id: a token with no id of its own gets one from its hash.
        return new TokenBinding(answer.Agent, MainAppTokenId.Of(answer.TokenId ?? hash[..16]), ExpiresAt: answer.ExpiresAt);
    }

    private RpcException Failure(string what)
    {
        LogFailed(_logger, what);
        return new RpcException(new Status(StatusCode.Unavailable, $"the agent token could not be checked: the main application's token endpoint {what}; retry"));
    }

    public void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
    }

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "The main application's token endpoint gave no usable answer: it {What}")]
    private static partial void LogFailed(ILogger logger, string what);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "The main application's token endpoint vouched for agent {Agent}, which is not registered; the token is refused")]
    private static partial void LogUnregistered(ILogger logger, string agent);
}
