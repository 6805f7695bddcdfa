using Grpc.Core;
using Plural.Gateway.Listeners;
using Plural.Grains.Git;
using Plural.Grains.GitOps;
using Plural.Protocol.Server;

namespace Plural.Gateway.GitOps;

/// <summary>The configuration and GitOps part of <c>ServerApi</c>. Errors are typed statuses naming the field at fault.</summary>
internal sealed class GitOpsApi(IGrainFactory grains)
{
    private const string RepositoryRequirement = "a Git URL (http, https, ssh, git or file) without spaces";
    private static readonly HashSet<string> RepositorySchemes = new(["http", "https", "ssh", "git", "file"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Names an agent's configuration repository and returns what was read from it.</summary>
    public async Task<AgentConfigInfo> SetSourceAsync(SetAgentConfigSourceRequest request)
    {
        await RegisteredAgents.GetAsync(grains, request.Name);
        var source = new AgentConfigSource(ValidRepository(request.Repository), ValidRef(request.Ref));
        return GitOpsServerMapper.ToProto(await grains.GetGrain<IAgentConfigGrain>(request.Name).SetSource(source));
    }

    /// <summary>The configuration status of one agent.</summary>
    public async Task<AgentConfigInfo> GetConfigAsync(GetAgentConfigRequest request)
    {
        await RegisteredAgents.GetAsync(grains, request.Name);
        return GitOpsServerMapper.ToProto(await grains.GetGrain<IAgentConfigGrain>(request.Name).GetStatus());
    }

    /// <summary>The sync status of one agent.</summary>
    public async Task<SyncStatusInfo> GetSyncStatusAsync(GetSyncStatusRequest request)
    {
        await RegisteredAgents.GetAsync(grains, request.Name);
        return GitOpsServerMapper.ToProto(await grains.GetGrain<IAgentConfigGrain>(request.Name).GetSyncStatus());
    }

    /// <summary>Pokes every poller of a repository.</summary>
    public async Task<NotifyGitPushResponse> NotifyPushAsync(NotifyGitPushRequest request)
    {
        var url = ValidRepository(request.Repository);
        var refs = await grains.GetGrain<IRepositoryRefsGrain>(url).List();
        var statuses = await Task.WhenAll(refs.Select(r => grains.GetGrain<IRepositoryPollerGrain>(RepositoryKey.Format(url, r)).Poke()));
        var response = new NotifyGitPushResponse();
        response.Refs.AddRange(statuses.Select(s => new PolledRefInfo { Ref = s.Ref, Commit = s.Commit ?? "", Error = s.LastError ?? "" }));
        return response;
    }

    // The URL as pollers are keyed by it; local paths count as file URLs (dev mode polls one). The value is never
    // echoed: it may carry credentials.
    private static string ValidRepository(string repository)
    {
        if (string.IsNullOrWhiteSpace(repository))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"repository: required, {RepositoryRequirement}"));
        }

        var url = repository.Trim().TrimEnd('/');
        if (url.Contains(' ', StringComparison.Ordinal) || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || !RepositorySchemes.Contains(uri.Scheme))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"repository: must be {RepositoryRequirement}"));
        }

        return RepositoryKey.NormalizeUrl(url);
    }

    private static string ValidRef(string gitRef)
    {
        try
        {
            return RepositoryKey.NormalizeRef(gitRef);
        }
        catch (ArgumentException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"ref: \"{gitRef}\" is not a branch or tag name"));
        }
    }
}
