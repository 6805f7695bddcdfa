using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Plural.Grains.Tokens;

namespace Plural.Gateway.Agents;

/// <summary>
/// Resolves token hashes to agents without stalling the request path: a known token is answered
/// from memory and refreshed in the background once older than <see cref="AgentAuthOptions.RefreshAfter"/>,
/// so a slow grain or storage read delays nobody whose token is already known. Concurrent misses
/// for one hash share one grain call. With the main application as token authority, a hash no grain knows is
/// asked there, and its answer is cached under the same rules: a slow or failing endpoint delays only tokens
/// it has never vouched for.
/// </summary>
internal sealed partial class AgentTokenCache(
    IGrainFactory grains,
    IOptions<AgentAuthOptions> options,
    TimeProvider clock,
    ILogger<AgentTokenCache> logger,
    MainAppTokenAuthority? authority = null)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<TokenBinding?>>> _inFlight = new(StringComparer.Ordinal);

    /// <summary>The binding of a token hash, or null when the hash is unknown.</summary>
    public async ValueTask<TokenBinding?> ResolveAsync(string hash, CancellationToken ct)
    {
        var settings = options.Value;
        var now = clock.GetUtcNow();
        if (_entries.TryGetValue(hash, out var entry))
        {
            var age = now - entry.FetchedAt;
            if (entry.Binding is not null)
            {
                if (age < settings.RefreshAfter)
                {
                    return entry.Binding;
                }

                if (age < settings.MaxStaleness)
                {
                    _ = RefreshInBackground(hash);
                    return entry.Binding;
                }
            }
            else if (age < settings.NegativeTtl)
            {
                return null;
            }
        }

        return await FetchShared(hash).WaitAsync(ct);
    }

    /// <summary>The cached binding when it is known, active and fresh enough to serve; no grain call.</summary>
    public TokenBinding? TryGetKnownActive(string hash) =>
        _entries.TryGetValue(hash, out var entry) && entry.Binding is { IsActive: true } binding
            && !binding.IsExpiredAt(clock.GetUtcNow()) && clock.GetUtcNow() - entry.FetchedAt < options.Value.MaxStaleness
            ? binding
            : null;

    /// <summary>Forgets a hash so the next resolution asks the grain (used after a local revocation).</summary>
    public void Invalidate(string hash) => _entries.TryRemove(hash, out _);

    private async Task RefreshInBackground(string hash)
    {
        try
        {
            await FetchShared(hash);
        }
        catch (Exception ex)
        {
            // The stale entry keeps serving until MaxStaleness; the next request tries again. The token authority's
            // failures are logged where they happen.
            LogRefreshFailed(logger, ex);
        }
    }

    private Task<TokenBinding?> FetchShared(string hash)
    {
        var lazy = _inFlight.GetOrAdd(hash, h => new Lazy<Task<TokenBinding?>>(() => Fetch(h)));
        return lazy.Value;
    }

    private async Task<TokenBinding?> Fetch(string hash)
    {
        try
        {
            var binding = await grains.GetGrain<IAgentTokenGrain>(hash).Resolve();
            if (binding is null && authority is { Enabled: true })
            {
                binding = await authority.ResolveAsync(hash);
            }

            _entries[hash] = new Entry(binding, clock.GetUtcNow());
            return binding;
        }
        finally
        {
            _inFlight.TryRemove(hash, out _);
        }
    }

    private sealed record Entry(TokenBinding? Binding, DateTimeOffset FetchedAt);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Warning, Message = "Background refresh of an agent token failed; serving the cached resolution")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
