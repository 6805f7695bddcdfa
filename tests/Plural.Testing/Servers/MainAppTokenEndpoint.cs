using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Plural.Testing.Processes;

namespace Plural.Testing.Servers;

/// <summary>
/// A small HTTP server on loopback standing in for the main application's agent-token endpoint: it vouches for the
/// token hashes it is told about, says 404 to the rest, and can be made slow, answer garbage, or go down, as the real
/// one might. It records what it was asked.
/// </summary>
public sealed class MainAppTokenEndpoint : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _answers = new(StringComparer.Ordinal);
    private WebApplication? _app;

    private MainAppTokenEndpoint(int port) => Url = new Uri($"http://127.0.0.1:{port}/internal/agent-tokens");

    /// <summary>Where the gateway should POST.</summary>
    public Uri Url { get; }

    /// <summary>The <c>token_sha256</c> of every request, in order.</summary>
    public ConcurrentQueue<string> AskedHashes { get; } = new();

    /// <summary>The <c>Authorization</c> header of every request.</summary>
    public ConcurrentQueue<string> Authorizations { get; } = new();

    /// <summary>Each request waits this long before answering (zero: at once).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>When set, every request gets this status and body instead of the real answer.</summary>
    public (int Status, string Body)? Garbage { get; set; }

    /// <summary>How many requests are waiting in <see cref="Delay"/> right now.</summary>
    public int Waiting => _waiting;

    private int _waiting;

    public static async Task<MainAppTokenEndpoint> StartAsync()
    {
        var endpoint = new MainAppTokenEndpoint(FreePort.Next());
        await endpoint.StartAgainAsync();
        return endpoint;
    }

    /// <summary>Vouches for <paramref name="token"/> as a token of <paramref name="agent"/>, in the endpoint's JSON.</summary>
    public void Vouch(string token, string agent, string tokenId = "", DateTimeOffset? expiresAt = null) =>
        _answers[HashOf(token)] = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["agent"] = agent,
            ["token_id"] = tokenId,
            ["expires_at"] = expiresAt?.ToString("O"),
        });

    /// <summary>What the gateway sends for <paramref name="token"/>: lower-case hex SHA-256 of its UTF-8 bytes.</summary>
    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>Stops answering: the port refuses connections until <see cref="StartAgainAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    /// <summary>Listens again on the same port.</summary>
    public async Task StartAgainAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, Url.Port));
        var app = builder.Build();
        app.MapPost(Url.AbsolutePath, AnswerAsync);
        await app.StartAsync();
        _app = app;
    }

    private async Task AnswerAsync(HttpContext context)
    {
        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var hash = body.RootElement.GetProperty("token_sha256").GetString() ?? "";
        AskedHashes.Enqueue(hash);
        Authorizations.Enqueue(context.Request.Headers.Authorization.ToString());
        if (Delay > TimeSpan.Zero)
        {
            Interlocked.Increment(ref _waiting);
            try
            {
                await Task.Delay(Delay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return; // The gateway gave up on this answer.
            }
            finally
            {
                Interlocked.Decrement(ref _waiting);
            }
        }

        if (Garbage is var (status, text))
        {
            context.Response.StatusCode = status;
            await context.Response.WriteAsync(text, context.RequestAborted);
            return;
        }

        if (!_answers.TryGetValue(hash, out var answer))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(answer, context.RequestAborted);
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
