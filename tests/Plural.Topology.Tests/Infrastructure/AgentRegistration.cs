using Grpc.Core;
using Plural.Protocol.Server;

namespace Plural.Topology.Tests.Infrastructure;

/// <summary>
/// Registers an agent and returns its token, retrying as a client of a cluster that just changed size would:
/// a call the cluster failed may still have registered the agent, and then a new token is issued instead.
/// </summary>
internal static class AgentRegistration
{
    public static async Task<string> RegisterAsync(ServerApi.ServerApiClient api, string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return (await api.RegisterAgentAsync(new RegisterAgentRequest { Name = name }, deadline: DateTime.UtcNow.AddSeconds(15))).Token.Token;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.AlreadyExists && attempt > 1)
            {
                return (await api.CreateAgentTokenAsync(new CreateAgentTokenRequest { Name = name })).Token.Token;
            }
            catch (RpcException ex) when (attempt < 4 && ex.StatusCode is StatusCode.Unknown or StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.Internal)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }
}
