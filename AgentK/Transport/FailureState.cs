using System.Security.Authentication;
using Grpc.Core;

namespace Plural.AgentK.Transport;

/// <summary>
/// Remembers the last kind of failure so that a retry loop logs once per change of state
/// instead of once per attempt. Thread-safe: the tunnel workers of a pool share one.
/// </summary>
internal sealed class FailureState
{
    // One refusal can surface as its status or, when a write races it, as a cancelled call or a
    // failed write. Such side effects only count as a state of their own when nothing else shows.
    private static readonly HashSet<string> Incidental =
    [
        nameof(StatusCode.Cancelled), nameof(StatusCode.Unknown),
        nameof(InvalidOperationException), nameof(IOException), nameof(OperationCanceledException), nameof(TaskCanceledException),
    ];

    private const int IncidentalRunToReport = 3;

    private readonly object _gate = new();
    private string? _last;
    private int _incidentalRun;

    /// <summary>Records a failure; true when it differs from the previous one and so deserves a log line.</summary>
    public bool Changed(string kind)
    {
        lock (_gate)
        {
            if (Incidental.Contains(kind) && (_last is not null || ++_incidentalRun < IncidentalRunToReport))
            {
                return false;
            }

            _incidentalRun = 0;
            var changed = !string.Equals(_last, kind, StringComparison.Ordinal);
            _last = kind;
            return changed;
        }
    }

    /// <summary>Records a success, so that the next failure is logged again.</summary>
    public void Recovered()
    {
        lock (_gate)
        {
            _last = null;
            _incidentalRun = 0;
        }
    }

    /// <summary>A short, stable name for a failure, used to tell one state from another.</summary>
    public static string KindOf(Exception exception) => exception switch
    {
        RpcException rpc when CertificateFailure(rpc) is not null => "UntrustedCertificate",
        RpcException rpc => rpc.StatusCode.ToString(),
        _ => exception.GetType().Name,
    };

    /// <summary>What an operator should read about a failure; never contains the token.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        RpcException { StatusCode: StatusCode.Unauthenticated } rpc =>
            $"the gateway rejected the agent token (Unauthenticated: {rpc.Status.Detail}); check Agent:Token / Agent:TokenFile",
        RpcException { StatusCode: StatusCode.ResourceExhausted } rpc =>
            $"the gateway is rate limiting this agent (ResourceExhausted: {rpc.Status.Detail})",
        RpcException { StatusCode: StatusCode.PermissionDenied } rpc =>
            $"the gateway denied the agent (PermissionDenied: {rpc.Status.Detail})",
        RpcException rpc when CertificateFailure(rpc) is { } tls =>
            $"the gateway's TLS certificate is not trusted ({tls.Message}); check Agent:GatewayCaFile, Agent:GatewayServerName and the certificate the gateway serves",
        RpcException { StatusCode: StatusCode.Unavailable } rpc =>
            $"the gateway is unreachable (Unavailable: {rpc.Status.Detail}); check Agent:GatewayUrl and the network path",
        RpcException rpc => $"{rpc.StatusCode}: {rpc.Status.Detail}",
        _ => exception.Message,
    };

    // A refused certificate surfaces as Unavailable, like a closed port; only the cause tells them apart.
    private static AuthenticationException? CertificateFailure(RpcException rpc)
    {
        for (Exception? cause = rpc.Status.DebugException; cause is not null; cause = cause.InnerException)
        {
            if (cause is AuthenticationException authentication)
            {
                return authentication;
            }
        }

        return null;
    }
}
