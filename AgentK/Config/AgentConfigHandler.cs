using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Config;

/// <summary>Hands <c>config</c> commands from the session to <see cref="AgentConfigService"/>.</summary>
internal sealed class AgentConfigHandler(AgentConfigService configs) : ISessionCommandHandler
{
    public GatewayMessage.KindOneofCase Kind => GatewayMessage.KindOneofCase.Config;

    public void Handle(GatewayMessage command) => configs.Submit(command.Config);
}
