using Orleans.Streams;
using Plural.Gateway.GitOps;
using Plural.Grains.GitOps;
using Plural.Grains.Streams;
using Plural.Protocol.Agent;

namespace Plural.Gateway.Agents;

/// <summary>
/// Connects agent sessions to their configuration: subscribes each capable session to the agent's
/// <see cref="StreamNames.AgentConfig"/> stream, sends the current configuration and sync targets right after the
/// welcome, and takes the agent's reports (configuration applied, sync results) to its <see cref="IAgentConfigGrain"/>.
/// </summary>
internal sealed partial class AgentConfigFeed(IClusterClient orleans, TimeProvider clock, ILogger<AgentConfigFeed> logger)
{
    /// <summary>Capability of agents that take <c>config</c> and send <c>config_applied</c>.</summary>
    public const string ConfigCapability = "agent.config.v1";

    /// <summary>Capability of agents that take <c>manifest_sync</c> and send <c>manifest_sync_report</c>.</summary>
    public const string GitOpsCapability = "gitops.v1";

    /// <summary>What this gateway serves, to be intersected with what an agent declares.</summary>
    public static IReadOnlyList<string> AcceptedCapabilities { get; } = [ConfigCapability, GitOpsCapability];

    /// <summary>
    /// Starts feeding <paramref name="session"/>; null when the agent declared neither capability. Dispose the result
    /// when the session ends.
    /// </summary>
    public async Task<IAsyncDisposable?> StartAsync(AgentSession session, CancellationToken ct)
    {
        var config = session.Capabilities.Contains(ConfigCapability);
        var gitops = session.Capabilities.Contains(GitOpsCapability);
        if (!config && !gitops)
        {
            return null;
        }

        var agent = session.Identity.AgentName;
        var sender = new SessionConfigSender(session, config, gitops);
        var stream = orleans.GetStreamProvider(StreamNames.Provider)
            .GetStream<AgentConfigPush>(StreamId.Create(StreamNames.AgentConfig, agent));
        var handle = await stream.SubscribeAsync(async (push, _) =>
        {
            try
            {
                await sender.OnPushAsync(push, session.Closed);
            }
            catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException)
            {
                // The session is ending; the next one starts from the desired state.
            }
        });
        try
        {
            var desired = await orleans.GetGrain<IAgentConfigGrain>(agent).GetDesiredState();
            await sender.SendInitialAsync(desired, ct);
            LogFeedStarted(logger, agent, desired.Config?.Version ?? "(none)", desired.Syncs.Count);
        }
        catch (OperationCanceledException)
        {
            await handle.UnsubscribeAsync();
            throw;
        }
        catch (Exception ex)
        {
            // The session is worth more than its configuration: it stays, and the next change reaches it by the stream.
            LogFeedFailed(logger, agent, ex);
        }

        return new Subscription(handle);
    }

    /// <summary>Records a sync report. Throws <see cref="ArgumentException"/> for a malformed one.</summary>
    public async Task ReportSyncAsync(string agent, ManifestSyncReport report)
    {
        var record = GitOpsAgentMapper.ToRecord(report, clock.GetUtcNow());
        await orleans.GetGrain<IAgentConfigGrain>(agent).ReportSync(record);
        LogSyncReported(logger, agent, record.Target, record.Commit, record.Objects.Count(o => o.State == Grains.GitOps.ObjectSyncState.Failed));
    }

    /// <summary>Records which configuration the agent now runs.</summary>
    public Task ReportAppliedAsync(string agent, AgentConfigApplied applied) =>
        orleans.GetGrain<IAgentConfigGrain>(agent).ReportApplied(GitOpsAgentMapper.ToRecord(applied, clock.GetUtcNow()));

    private sealed class Subscription(StreamSubscriptionHandle<AgentConfigPush> handle) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await handle.UnsubscribeAsync();
            }
            catch (Exception ex) when (ex is TimeoutException or OrleansException)
            {
                // The subscription dies with the client anyway; a session ending must not fail on it.
            }
        }
    }

    [LoggerMessage(EventId = 2801, Level = LogLevel.Debug, Message = "Agent {AgentName} session fed configuration {Version} and {Targets} sync targets")]
    private static partial void LogFeedStarted(ILogger logger, string agentName, string version, int targets);

    [LoggerMessage(EventId = 2803, Level = LogLevel.Warning, Message = "Agent {AgentName} session got no initial configuration")]
    private static partial void LogFeedFailed(ILogger logger, string agentName, Exception exception);

    [LoggerMessage(EventId = 2802, Level = LogLevel.Information, Message = "Agent {AgentName} synced target {Target} at {Commit} with {Failed} failed objects")]
    private static partial void LogSyncReported(ILogger logger, string agentName, string target, string commit, int failed);
}
