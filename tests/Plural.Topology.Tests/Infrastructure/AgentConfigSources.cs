using Grpc.Core;
using Plural.Protocol.Server;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// Points an agent at a configuration repository, retrying as a client would: the call waits for a first poll of
/// the repository, which on a loaded machine can outlast the gateway's grain call timeout.
/// </summary>
internal static class AgentConfigSources
{
    public static async Task<AgentConfigInfo> SetAsync(ServerApi.ServerApiClient api, string agent, string repository, string gitRef)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await api.SetAgentConfigSourceAsync(new SetAgentConfigSourceRequest { Name = agent, Repository = repository, Ref = gitRef },
                    deadline: DateTime.UtcNow.AddSeconds(30));
            }
            catch (RpcException ex) when (attempt < 4 && ex.StatusCode is StatusCode.Unknown or StatusCode.DeadlineExceeded)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }
}
