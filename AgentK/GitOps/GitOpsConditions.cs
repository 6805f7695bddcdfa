using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.GitOps;

/// <summary>
/// GitOps's part of the agent's health: one <c>gitops/&lt;target&gt;</c> per sync target this process applied, its last
/// run (commit, time) and, when objects failed, how many and the first one's reason. A replica that does not lead
/// applies nothing and reports none.
/// </summary>
internal sealed class GitOpsConditions(PendingReports reports) : IConditionSource
{
    public IEnumerable<AgentCondition> Conditions()
    {
        foreach (var report in reports.Latest())
        {
            var failed = report.Objects.Where(o => o.State is ObjectSyncState.Failed or ObjectSyncState.PruneFailed).ToList();
            var run = $"commit {report.Commit[..Math.Min(12, report.Commit.Length)]} at {report.FinishedAt?.ToDateTimeOffset():yyyy-MM-dd HH:mm:ss'Z'}";
            yield return new AgentCondition
            {
                Type = "gitops/" + report.Target,
                Ok = failed.Count == 0,
                Message = failed.Count == 0
                    ? $"{run}: {report.Objects.Count} objects in sync"
                    : $"{run}: {failed.Count} of {report.Objects.Count} objects failed; {failed[0].Path}#{failed[0].Index}: {failed[0].Message}",
            };
        }
    }
}
