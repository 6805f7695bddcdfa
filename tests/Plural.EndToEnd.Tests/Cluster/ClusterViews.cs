using System.Diagnostics;
using Plural.Protocol.Server;

namespace Plural.EndToEnd.Tests.Cluster;

/// <summary>Polls <c>GetClusterView</c> the way a dashboard would.</summary>
internal static class ClusterViews
{
    public static async Task<ClusterViewInfo> WaitForAsync(ServerApi.ServerApiClient api, string agent, Func<ClusterViewInfo, bool> condition,
        TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        ClusterViewInfo info;
        do
        {
            info = await api.GetClusterViewAsync(new GetClusterViewRequest { Name = agent });
            if (condition(info))
            {
                return info;
            }

            await Task.Delay(100);
        }
        while (clock.Elapsed < timeout);

        throw new TimeoutException($"the view of {agent} did not show {what} within {timeout}; last: {info}");
    }

    public static NamespacePods? Pods(this ClusterViewInfo info, string ns) => info.View?.Pods.FirstOrDefault(p => p.Namespace == ns);
}
