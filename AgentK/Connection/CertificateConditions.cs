using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;
using Plural.AgentK.Session;
using Plural.AgentK.Transport;
using Plural.Protocol.Agent;
using Plural.Protocol.Hosting;

namespace Plural.AgentK.Connection;

/// <summary>
/// The <c>certificates</c> condition: the certificates the gateway connection depends on (the gateway's own, as last
/// presented, and those of <c>Agent:GatewayCaFile</c>) and when each stops being valid; not ok once one expires within
/// <see cref="ConnectionOptions.CertificateExpiryWarning"/>, so the operator renews it before the agent can no longer
/// connect. None for an agent that uses no certificate (an <c>http://</c> gateway without a CA file). The agent token's
/// expiry is not known to the agent (the gateway ends a session at it), so it is not part of this condition.
/// </summary>
internal sealed class CertificateConditions : IConditionSource
{
    private static readonly TimeSpan CaFileRereadEvery = TimeSpan.FromMinutes(10);

    private readonly PresentedGatewayCertificate _presented;
    private readonly TimeProvider _clock;
    private readonly TimeSpan _warning;
    private readonly ReloadingFile<CaFileExpiry>? _caFile;

    public CertificateConditions(IOptions<GatewayOptions> gateway, IOptions<ConnectionOptions> options, PresentedGatewayCertificate presented, TimeProvider clock)
    {
        _presented = presented;
        _clock = clock;
        _warning = options.Value.CertificateExpiryWarning;
        if (gateway.Value.GatewayCaFile is { Length: > 0 } caFile)
        {
            _caFile = ReloadingFile<CaFileExpiry>.Tolerant(caFile, CaFileExpiry.Parse, CaFileExpiry.Unknown, clock, CaFileRereadEvery);
        }
    }

    public IEnumerable<AgentCondition> Conditions()
    {
        List<(string What, DateTimeOffset NotAfter)> certificates = [];
        if (_presented.Last is { } gateway)
        {
            certificates.Add(($"the gateway's certificate ({gateway.Subject})", gateway.NotAfter));
        }

        if (_caFile?.Value.NotAfter is { } caExpiry)
        {
            certificates.Add(("the gateway CA file (Agent:GatewayCaFile)", caExpiry));
        }

        if (certificates.Count == 0)
        {
            yield break;
        }

        var now = _clock.GetUtcNow();
        var expiring = certificates.Where(c => c.NotAfter - now <= _warning).OrderBy(c => c.NotAfter).ToList();
        yield return new AgentCondition
        {
            Type = "certificates",
            Ok = expiring.Count == 0,
            Message = expiring.Count == 0
                ? string.Join("; ", certificates.Select(c => $"{c.What} is valid until {Date(c.NotAfter)}"))
                : string.Join("; ", expiring.Select(c => c.NotAfter <= now
                    ? $"{c.What} expired at {Date(c.NotAfter)}"
                    : $"{c.What} expires at {Date(c.NotAfter)}, in {Days(c.NotAfter - now)}")),
        };
    }


    private static string Date(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Days(TimeSpan left) => left.TotalDays >= 1
        ? $"{(int)left.TotalDays} days"
        : $"{Math.Max(1, (int)left.TotalHours)} hours";

    /// <summary>When the first certificate of the CA file expires; null while the file cannot be read.</summary>
    private sealed record CaFileExpiry(DateTimeOffset? NotAfter)
    {
        public static readonly CaFileExpiry Unknown = new((DateTimeOffset?)null);

        public static CaFileExpiry Parse(string pem)
        {
            var authorities = new X509Certificate2Collection();
            authorities.ImportFromPem(pem);
            return authorities.Count == 0 ? Unknown : new(authorities.Min(c => new DateTimeOffset(c.NotAfter.ToUniversalTime(), TimeSpan.Zero)));
        }
    }
}
