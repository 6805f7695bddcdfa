using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Plural.Gateway.Agents;
using Plural.Gateway.Cable;
using Plural.Gateway.Operations;
using Plural.Gateway.Tunnels;

namespace Plural.Gateway.Tests.Operations;

/// <summary>Drains over the given sessions and requests; a stop request goes to a recording lifetime, never to the test host.</summary>
internal static class TestDrains
{
    public static GatewayDrain Over(SessionRegistry sessions, InFlightRequests inFlight, DrainOptions options,
        IHostApplicationLifetime? lifetime = null, CableHub? cable = null) =>
        new(sessions, cable ?? new CableHub([], Options.Create(new CableOptions()), NullLogger<CableHub>.Instance), inFlight,
            new ForwardedRequestIntake(), Options.Create(options), lifetime ?? new RecordingLifetime(), NullLogger<GatewayDrain>.Instance);
}
