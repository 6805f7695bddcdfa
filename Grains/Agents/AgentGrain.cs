using Microsoft.Extensions.Logging;
using Plural.Grains.Fleet;
using Plural.Grains.Tokens;

namespace Plural.Grains.Agents;

/// <inheritdoc cref="IAgentGrain"/>
public sealed partial class AgentGrain(
    [PersistentState("agent")] IPersistentState<AgentState> state,
    TimeProvider clock,
    ILogger<AgentGrain> logger) : Grain, IAgentGrain
{
    /// <summary>Longest a connected agent's persisted last-seen time may lag behind its renewals.</summary>
    internal static readonly TimeSpan LastSeenWriteInterval = TimeSpan.FromMinutes(5);

    private readonly LeaseTable _leases = new();
    private AgentStatusAnnouncer? _announcer;
    private DateTimeOffset _lastSeenWritten;
    private string? _listed;

    private string Name => this.GetPrimaryKeyString();

    private AgentStatusAnnouncer Announcer => _announcer ??= new AgentStatusAnnouncer(this, _leases, clock, logger, () => UpdateListingAsync(force: false));

    private IAgentDirectoryBucketGrain Bucket => GrainFactory.GetGrain<IAgentDirectoryBucketGrain>(AgentDirectoryKeys.BucketOf(Name));

    public async Task<AgentSnapshot> Register(AgentRegistration registration, AgentTokenRecord firstToken)
    {
        if (state.State.Registration is { } existing)
        {
            if (!IsLostAnswerRetry(existing, registration))
            {
                throw new AgentAlreadyExistsException(Name);
            }

            // The lost answer's token: revoked before its successor is bound, so that at no moment two work.
            await GrainFactory.GetGrain<IAgentTokenGrain>(state.State.Tokens[0].Hash).Revoke(clock.GetUtcNow());
            LogRegistrationRetried(logger, Name);
            registration = existing;
        }

        state.State.Registration = registration with { Name = Name };
        state.State.Tokens = [firstToken];
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IAgentTokenGrain>(firstToken.Hash).Bind(new TokenBinding(Name, firstToken.TokenId, ExpiresAt: firstToken.ExpiresAt));
        var listing = AgentListing.From(Snapshot());
        await Bucket.Put(listing);
        _listed = AgentListings.Shape(listing);
        LogRegistered(logger, Name);
        return Snapshot();
    }

    // A retry of the registering call: same request id and fields, and nothing used the first token yet (the agent never
    // connected, no token was added or revoked), so replacing it strands no agent. A retry is one operation with the
    // first call: its answer is the one the caller keeps.
    private bool IsLostAnswerRetry(AgentRegistration existing, AgentRegistration retry) =>
        retry.RequestId is { Length: > 0 } requestId && existing.RequestId == requestId
        && existing.Description == retry.Description
        && existing.Labels.Count == retry.Labels.Count && existing.Labels.All(l => retry.Labels.TryGetValue(l.Key, out var v) && v == l.Value)
        && state.State.LastSeenAt is null && state.State.Tokens is [{ IsActive: true }];

    public Task<AgentSnapshot?> Get() =>
        Task.FromResult(state.State.Registration is null ? null : Snapshot());

    public async Task AddToken(AgentTokenRecord token)
    {
        EnsureRegistered();
        if (state.State.Tokens.Any(t => t.TokenId == token.TokenId))
        {
            return;
        }

        // An expired token holds no slot: rotating after an expiry must not need a revocation first.
        var now = clock.GetUtcNow();
        if (state.State.Tokens.Count(t => t.IsValidAt(now)) >= IAgentGrain.MaxActiveTokens)
        {
            throw new TooManyAgentTokensException(Name);
        }

        state.State.Tokens.Add(token);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IAgentTokenGrain>(token.Hash).Bind(new TokenBinding(Name, token.TokenId, ExpiresAt: token.ExpiresAt));
    }

    public async Task<bool> Delete()
    {
        if (state.State.Registration is null)
        {
            return false;
        }

        var now = clock.GetUtcNow();
        // Token grains first: once they say revoked, no gateway authenticates the agent again, whatever happens next.
        var revoked = state.State.Tokens.Where(t => t.IsActive).ToList();
        await Task.WhenAll(revoked.Select(t => GrainFactory.GetGrain<IAgentTokenGrain>(t.Hash).Revoke(now)));
        await AgentTokenRevocations.PublishAsync(GrainFactory, Name, revoked, logger);
        var leases = _leases.Live(now);
        foreach (var lease in leases)
        {
            _leases.Drop(lease.GatewayId, lease.InstanceId);
        }

        await state.ClearStateAsync();
        state.State = new AgentState();
        await Bucket.Remove(Name);
        _listed = null;
        if (leases.Count > 0)
        {
            await Announcer.UpdateAsync(leases[0].GatewayId, leases[0].InstanceId, TimeSpan.Zero, now);
        }

        LogDeleted(logger, Name);
        return true;
    }

    public async Task<bool> RevokeToken(string tokenId)
    {
        EnsureRegistered();
        var index = state.State.Tokens.FindIndex(t => t.TokenId == tokenId);
        if (index < 0)
        {
            return false;
        }

        var token = state.State.Tokens[index];
        if (token.IsActive)
        {
            var now = clock.GetUtcNow();
            state.State.Tokens[index] = token with { RevokedAt = now };
            await state.WriteStateAsync();
            await GrainFactory.GetGrain<IAgentTokenGrain>(token.Hash).Revoke(now);
            await AgentTokenRevocations.PublishAsync(GrainFactory, Name, [token], logger);
            LogTokenRevoked(logger, Name, tokenId);
        }

        return true;
    }

    public async Task<LeaseDecision> RenewLease(LeaseRenewal renewal)
    {
        if (state.State.Registration is null)
        {
            return LeaseDecision.UnknownAgent;
        }

        var now = clock.GetUtcNow();
        var token = state.State.Tokens.Find(t => t.TokenId == renewal.TokenId);
        // A token the main application keeps was checked with it by the gateway, which also ends it at its expiry.
        var vouched = token is null && MainAppTokenId.IsOne(renewal.TokenId);
        if (!vouched && (token is null || !token.IsValidAt(now)))
        {
            _leases.Drop(renewal.GatewayId, renewal.InstanceId);
            await Announcer.UpdateAsync(renewal.GatewayId, renewal.InstanceId, renewal.TimeToLive, now);
            return token is { IsActive: true } ? LeaseDecision.TokenExpired : LeaseDecision.TokenRevoked;
        }

        var wasConnected = _leases.AnyLive(now);
        var persisted = true;
        // Compared with what the same process reported last; its first report is part of its connection, not a change.
        var conditionsChanged = _leases.Find(renewal.GatewayId, renewal.InstanceId) is { } previous
            && AgentConditionChanges.Differ(previous.Conditions, renewal.Conditions);
        _leases.Put(new TunnelLease(
            renewal.GatewayId, renewal.GatewayAddress, renewal.InstanceId, renewal.AgentVersion,
            renewal.ConnectedAt, renewal.IdleTunnels, renewal.ActiveTunnels, now + renewal.TimeToLive, renewal.Leader, renewal.Conditions));
        state.State.LastSeenAt = now;
        if (!wasConnected)
        {
            await RecordTransition(renewal.ConnectedAt < now ? renewal.ConnectedAt : now);
            LogConnected(logger, Name, renewal.GatewayId);
        }
        else if (now - _lastSeenWritten >= LastSeenWriteInterval)
        {
            await PersistAsync(now);
        }
        else
        {
            persisted = false;
        }

        await Announcer.UpdateAsync(renewal.GatewayId, renewal.InstanceId, renewal.TimeToLive, now, renewal.Conditions, conditionsChanged);
        // Whenever last-seen is stored, the listing follows, so a listing that says connected is never older than that.
        await UpdateListingAsync(force: persisted);
        return LeaseDecision.Accepted;
    }

    public async Task DropLease(string gatewayId, string instanceId)
    {
        var now = clock.GetUtcNow();
        var wasConnected = _leases.AnyLive(now);
        _leases.Drop(gatewayId, instanceId);
        if (wasConnected && !_leases.AnyLive(now) && state.State.Registration is not null)
        {
            state.State.LastSeenAt = now;
            await RecordTransition(now);
            LogDisconnected(logger, Name, gatewayId);
        }

        await Announcer.UpdateAsync(gatewayId, instanceId, TimeSpan.Zero, now);
        await UpdateListingAsync(force: false);
    }

    public async Task<bool> WriteListing()
    {
        if (state.State.Registration is null)
        {
            return false;
        }

        var listing = AgentListing.From(Snapshot());
        await Bucket.Put(listing);
        _listed = AgentListings.Shape(listing);
        return true;
    }

    public Task<IReadOnlyList<TunnelLease>> GetLeases() =>
        Task.FromResult(_leases.Live(clock.GetUtcNow()));

    private AgentSnapshot Snapshot()
    {
        var now = clock.GetUtcNow();
        var since = state.State.StatusSince;
        if (_leases.ExpireAll(now) is { } lastExpiry && !_leases.AnyLive(now))
        {
            // The gateway vanished without dropping its lease: the agent was last known reachable at expiry.
            since = lastExpiry;
            state.State.StatusSince = lastExpiry;
        }

        var live = _leases.Live(now);
        return new AgentSnapshot(state.State.Registration!, [.. state.State.Tokens],
            new AgentConnectionStatus(live.Count > 0, since, live, state.State.LastSeenAt));
    }

    /// <summary>
    /// Writes the listing when its connections changed since it was last written, or always with
    /// <paramref name="force"/>. Never fails the caller: a lost write is repaired by the next change or refresh.
    /// </summary>
    private async Task UpdateListingAsync(bool force)
    {
        if (state.State.Registration is null)
        {
            return;
        }

        var listing = AgentListing.From(Snapshot());
        var shape = AgentListings.Shape(listing);
        if (!force && shape == _listed)
        {
            return;
        }

        try
        {
            await Bucket.Put(listing);
            _listed = shape;
        }
        catch (Exception ex)
        {
            LogListingFailed(logger, Name, ex);
        }
    }

    private async Task RecordTransition(DateTimeOffset at)
    {
        state.State.StatusSince = at;
        await PersistAsync(clock.GetUtcNow());
    }

    private async Task PersistAsync(DateTimeOffset now)
    {
        await state.WriteStateAsync();
        _lastSeenWritten = now;
    }

    private void EnsureRegistered()
    {
        if (state.State.Registration is null)
        {
            throw new AgentNotFoundException(Name);
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Agent {AgentName} registered")]
    private static partial void LogRegistered(ILogger logger, string agentName);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information,
        Message = "Agent {AgentName}: a retry of its registering call answered again with a new first token (the first answer was lost)")]
    private static partial void LogRegistrationRetried(ILogger logger, string agentName);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Agent {AgentName} token {TokenId} revoked")]
    private static partial void LogTokenRevoked(ILogger logger, string agentName, string tokenId);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Agent {AgentName} deleted")]
    private static partial void LogDeleted(ILogger logger, string agentName);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "Could not write the directory listing of agent {AgentName}")]
    private static partial void LogListingFailed(ILogger logger, string agentName, Exception exception);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Information, Message = "Agent {AgentName} connected through gateway {GatewayId}")]
    private static partial void LogConnected(ILogger logger, string agentName, string gatewayId);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Agent {AgentName} disconnected from gateway {GatewayId}")]
    private static partial void LogDisconnected(ILogger logger, string agentName, string gatewayId);
}
