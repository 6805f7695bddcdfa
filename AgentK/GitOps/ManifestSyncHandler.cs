using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.GitOps;

/// <summary>Hands <c>manifest_sync</c> commands from the session to <see cref="GitOpsService"/>.</summary>
internal sealed class ManifestSyncHandler(GitOpsService gitOps) : ISessionCommandHandler
{
    public GatewayMessage.KindOneofCase Kind => GatewayMessage.KindOneofCase.ManifestSync;

    public void Handle(GatewayMessage command) => gitOps.Submit(command.ManifestSync);
}
