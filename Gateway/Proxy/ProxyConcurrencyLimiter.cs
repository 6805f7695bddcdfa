using Microsoft.Extensions.Options;
using Plural.Gateway.Listeners;

namespace Plural.Gateway.Proxy;

/// <summary>
/// Bounds Kubernetes proxy requests in flight per user and per agent, so that one user (or one script) cannot take
/// every tunnel of a cluster, and a popular cluster cannot take the whole gateway.
/// </summary>
internal sealed class ProxyConcurrencyLimiter(IOptions<ProxyLimitOptions> options)
{
    private readonly ConcurrencyCounter _users = new();
    private readonly ConcurrencyCounter _agents = new();

    /// <summary>A slot for <paramref name="user"/> on <paramref name="agent"/>, or null and which limit was hit.</summary>
    public (IDisposable? Lease, string? Refusal) TryAcquire(string user, string agent)
    {
        var limits = options.Value;
        if (!_users.TryEnter(user, limits.MaxConcurrentRequestsPerUser))
        {
            return (null, $"user \"{user}\" has {limits.MaxConcurrentRequestsPerUser} requests in flight on this gateway, the most allowed");
        }

        if (!_agents.TryEnter(agent, limits.MaxConcurrentRequestsPerAgent))
        {
            _users.Exit(user);
            return (null, $"agent \"{agent}\" has {limits.MaxConcurrentRequestsPerAgent} requests in flight on this gateway, the most allowed");
        }

        return (new Lease(this, user, agent), null);
    }

    private sealed class Lease(ProxyConcurrencyLimiter owner, string user, string agent) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner._agents.Exit(agent);
                owner._users.Exit(user);
            }
        }
    }
}
