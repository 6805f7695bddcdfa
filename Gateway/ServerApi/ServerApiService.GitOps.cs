using Grpc.Core;
using Plural.Gateway.GitOps;
using Plural.Protocol.Server;

namespace Plural.Gateway.ServerApi;

// Configuration and GitOps: delegated to the GitOps feature.
public sealed partial class ServerApiService
{
    /// <inheritdoc />
    public override Task<AgentConfigInfo> SetAgentConfigSource(SetAgentConfigSourceRequest request, ServerCallContext context) =>
        GitOps(context).SetSourceAsync(request);

    /// <inheritdoc />
    public override Task<AgentConfigInfo> GetAgentConfig(GetAgentConfigRequest request, ServerCallContext context) =>
        GitOps(context).GetConfigAsync(request);

    /// <inheritdoc />
    public override Task<SyncStatusInfo> GetSyncStatus(GetSyncStatusRequest request, ServerCallContext context) =>
        GitOps(context).GetSyncStatusAsync(request);

    /// <inheritdoc />
    public override Task<NotifyGitPushResponse> NotifyGitPush(NotifyGitPushRequest request, ServerCallContext context) =>
        GitOps(context).NotifyPushAsync(request);

    private static GitOpsApi GitOps(ServerCallContext context) =>
        context.GetHttpContext().RequestServices.GetRequiredService<GitOpsApi>();
}
