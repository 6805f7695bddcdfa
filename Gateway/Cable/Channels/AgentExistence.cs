using Plural.Grains.Agents;

namespace Plural.Gateway.Cable.Channels;

/// <summary>Refuses subscriptions to agents that are not registered, with a reason.</summary>
internal static class AgentExistence
{
    public static async Task<string?> RefusalAsync(IGrainFactory grains, string? agent, CancellationToken ct) =>
        agent is not null && await grains.GetGrain<IAgentGrain>(agent).Get().WaitAsync(ct) is null
            ? $"agent {agent} is not registered"
            : null;
}
