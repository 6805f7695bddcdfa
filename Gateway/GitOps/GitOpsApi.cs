using Grpc.Core;
using Plural.Grains.Agents;
using Plural.Grains.Git;
using Plural.Grains.GitOps;
using Plural.Protocol.Server;

namespace Plural.Gateway.GitOps;

/// <summary>The configuration and GitOps part of <c>ServerApi</c>. Errors are typed statuses naming the field at fault.</summary>
public sealed class GitOpsApi(IGrainFactory grains)
{
    /// <summary>Names an agent's configuration repository and returns what was read from it.</summary>
    public async Task<AgentConfigInfo> SetSourceAsync(SetAgentConfigSourceRequest request)
    {
        await RequireAgentAsync(request.Name);
        AgentConfigSource source;
        try
        {
            source = new AgentConfigSource(RepositoryKey.NormalizeUrl(request.Repository), RepositoryKey.NormalizeRef(request.Ref));
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"repository/ref: {ex.Message}"));
        }

        return GitOpsServerMapper.ToProto(await grains.GetGrain<IAgentConfigGrain>(request.Name).SetSource(source));
    }

    /// <summary>The configuration status of one agent.</summary>
    public async Task<AgentConfigInfo> GetConfigAsync(GetAgentConfigRequest request)
    {
        await RequireAgentAsync(request.Name);
        return GitOpsServerMapper.ToProto(await grains.GetGrain<IAgentConfigGrain>(request.Name).GetStatus());
    }

    /// <summary>The sync status of one agent.</summary>
    public async Task<SyncStatusInfo> GetSyncStatusAsync(GetSyncStatusRequest request)
    {
        await RequireAgentAsync(request.Name);
        return GitOpsServerMapper.ToProto(await grains.GetGrain<IAgentConfigGrain>(request.Name).GetSyncStatus());
    }

    /// <summary>Pokes every poller of a repository.</summary>
    public async Task<NotifyGitPushResponse> NotifyPushAsync(NotifyGitPushRequest request)
    {
        string url;
        try
        {
            url = RepositoryKey.NormalizeUrl(request.Repository);
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"repository: {ex.Message}"));
        }

        var refs = await grains.GetGrain<IRepositoryRefsGrain>(url).List();
        var statuses = await Task.WhenAll(refs.Select(r => grains.GetGrain<IRepositoryPollerGrain>(RepositoryKey.Format(url, r)).Poke()));
        var response = new NotifyGitPushResponse();
        response.Refs.AddRange(statuses.Select(s => new PolledRefInfo { Ref = s.Ref, Commit = s.Commit ?? "", Error = s.LastError ?? "" }));
        return response;
    }

    private async Task RequireAgentAsync(string name)
    {
        if (string.IsNullOrEmpty(name) || await grains.GetGrain<IAgentGrain>(name).Get() is null)
        {
            throw new RpcException(new Status(StatusCode.NotFound, $"name: no agent \"{name}\" is registered"));
        }
    }
}
