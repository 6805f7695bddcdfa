using Microsoft.Extensions.Options;
using Plural.AgentK.Session;
using Plural.Protocol.Agent;

namespace Plural.AgentK.GitOps;

/// <summary>Sends sync reports up the session as targets finish; reports made while disconnected wait for the next session.</summary>
internal sealed class GitOpsReporter(PendingReports pending, IOptions<GitOpsOptions> options) : ISessionReporter
{
    /// <summary>Capability of agents that apply <c>manifest_sync</c> and send <c>manifest_sync_report</c>.</summary>
    public const string GitOpsCapability = "gitops.v1";

    public string? Capability => options.Value.Enabled ? GitOpsCapability : null;

    public async Task RunAsync(SessionWriter session, CancellationToken sessionEnded)
    {
        while (true)
        {
            var reports = await pending.TakeAsync(sessionEnded);
            for (var i = 0; i < reports.Count; i++)
            {
                try
                {
                    await session.WriteAsync(new AgentMessage { ManifestSyncReport = reports[i] }, sessionEnded);
                }
                catch
                {
                    foreach (var unsent in reports.Skip(i))
                    {
                        pending.Return(unsent);
                    }

                    throw;
                }
            }
        }
    }
}
