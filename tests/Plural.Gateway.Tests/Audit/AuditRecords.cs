using Plural.Grains.Access;
using Plural.Grains.Audit;

namespace Plural.Gateway.Tests.Audit;

/// <summary>Audit records as the proxy writes them, for tests of what reads them.</summary>
internal static class AuditRecords
{
    public static AuditEvent Exec(string user = "alice", string requestId = "req-1") =>
        new(new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero), requestId, "gw-1", "prod", user, ["team-a"],
            new KubernetesRequest("create", "", "pods", "exec", "shop", "web-0", ""), 101, TimeSpan.FromMilliseconds(1500.25), 7, 10)
        {
            CallerKind = "user-token",
            Route = "k8s-proxy",
            ClusterIdentity = new ClusterIdentityUsed(ClusterIdentityMode.ImpersonateUser, "plural:user:" + user, ["plural:user", "team-a"]),
            Session = new SessionRequest(["sh", "-c", "echo \"hi\"\n"], "app", []),
        };
}
