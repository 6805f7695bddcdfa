using Grpc.Core;
using Plural.Gateway.Access;
using Plural.Gateway.Agents;
using Plural.Gateway.Audit;
using Plural.Gateway.ClusterViews;
using Plural.Gateway.GitOps;
using Plural.Protocol.Server;

namespace Plural.Gateway.ServerApi;

/// <summary>
/// The main application's API: each call goes to its room's API, create calls once per <c>request_id</c>. Errors are
/// typed gRPC statuses naming the field at fault.
/// </summary>
internal sealed class ServerApiService(
    AgentsApi agents,
    TokensApi tokens,
    AccessApi access,
    AuditApi audit,
    ClusterViewsApi clusterViews,
    GitOpsApi gitOps,
    IdempotentCalls idempotent) : Protocol.Server.ServerApi.ServerApiBase
{
    public override Task<RegisterAgentResponse> RegisterAgent(RegisterAgentRequest request, ServerCallContext context) =>
        idempotent.RunAsync(nameof(RegisterAgent), request, request.RequestId, () => agents.RegisterAsync(request));

    public override Task<Agent> GetAgent(GetAgentRequest request, ServerCallContext context) => agents.GetAsync(request, context.CancellationToken);

    public override Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context) => agents.ListAsync(request, context.CancellationToken);

    public override Task<DeleteAgentResponse> DeleteAgent(DeleteAgentRequest request, ServerCallContext context) => agents.DeleteAsync(request);

    public override Task<CreateAgentInstallResponse> CreateAgentInstall(CreateAgentInstallRequest request, ServerCallContext context) =>
        idempotent.RunAsync(nameof(CreateAgentInstall), request, request.RequestId, () => agents.CreateInstallAsync(request));

    public override Task<CreateAgentTokenResponse> CreateAgentToken(CreateAgentTokenRequest request, ServerCallContext context) =>
        idempotent.RunAsync(nameof(CreateAgentToken), request, request.RequestId, () => tokens.CreateAsync(request));

    public override Task<RevokeAgentTokenResponse> RevokeAgentToken(RevokeAgentTokenRequest request, ServerCallContext context) =>
        tokens.RevokeAsync(request);

    public override Task<ListAgentTokensResponse> ListAgentTokens(ListAgentTokensRequest request, ServerCallContext context) =>
        tokens.ListAsync(request);

    public override Task<IssueUserTokenResponse> IssueUserToken(IssueUserTokenRequest request, ServerCallContext context) =>
        idempotent.RunAsync(nameof(IssueUserToken), request, request.RequestId, () => access.IssueUserTokenAsync(request));

    public override Task<UserToken> GetUserToken(GetUserTokenRequest request, ServerCallContext context) => access.GetUserTokenAsync(request);

    public override Task<RevokeUserTokenResponse> RevokeUserToken(RevokeUserTokenRequest request, ServerCallContext context) =>
        access.RevokeUserTokenAsync(request);

    public override Task<AgentAccess> GetAgentAccess(GetAgentAccessRequest request, ServerCallContext context) =>
        access.GetAgentAccessAsync(request);

    public override Task<AgentAccess> SetAgentAccess(SetAgentAccessRequest request, ServerCallContext context) =>
        access.SetAgentAccessAsync(request);

    public override Task<ListAuditEventsResponse> ListAuditEvents(ListAuditEventsRequest request, ServerCallContext context) =>
        audit.ListEventsAsync(request);

    public override Task<ClusterViewInfo> GetClusterView(GetClusterViewRequest request, ServerCallContext context) =>
        clusterViews.GetViewAsync(request, context.CancellationToken);

    public override Task<ListClusterViewsResponse> ListClusterViews(ListClusterViewsRequest request, ServerCallContext context) =>
        clusterViews.ListViewsAsync(request, context.CancellationToken);

    public override Task<ClusterQueryResult> QueryCluster(QueryClusterRequest request, ServerCallContext context) =>
        clusterViews.QueryAsync(request, context.CancellationToken);

    public override Task<QueryFleetResponse> QueryFleet(QueryFleetRequest request, ServerCallContext context) =>
        clusterViews.QueryFleetAsync(request, context.CancellationToken);

    public override Task WatchClusterEvents(WatchClusterEventsRequest request, IServerStreamWriter<ClusterEventInfo> responseStream, ServerCallContext context) =>
        clusterViews.WatchEventsAsync(request, responseStream, context);

    public override Task<AgentConfigInfo> SetAgentConfigSource(SetAgentConfigSourceRequest request, ServerCallContext context) =>
        gitOps.SetSourceAsync(request);

    public override Task<AgentConfigInfo> GetAgentConfig(GetAgentConfigRequest request, ServerCallContext context) =>
        gitOps.GetConfigAsync(request);

    public override Task<SyncStatusInfo> GetSyncStatus(GetSyncStatusRequest request, ServerCallContext context) =>
        gitOps.GetSyncStatusAsync(request);

    public override Task<NotifyGitPushResponse> NotifyGitPush(NotifyGitPushRequest request, ServerCallContext context) =>
        gitOps.NotifyPushAsync(request);
}
