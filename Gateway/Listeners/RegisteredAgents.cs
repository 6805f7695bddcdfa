using Grpc.Core;
using Plural.Grains.Agents;

namespace Plural.Gateway.Listeners;

/// <summary>
/// The agent a <c>ServerApi</c> request names, checked alike by every room's API: a malformed name is
/// <c>InvalidArgument</c> naming the field, an unregistered agent <c>NotFound</c>.
/// </summary>
internal static class RegisteredAgents
{
    public static string CheckName(string name, string field = "name") =>
        AgentName.IsValid(name) ? name : throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {AgentName.Requirement}"));

    public static async Task<AgentSnapshot> GetAsync(IGrainFactory grains, string name, string field = "name") =>
        await grains.GetGrain<IAgentGrain>(CheckName(name, field)).Get()
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"agent \"{name}\" is not registered"));
}
