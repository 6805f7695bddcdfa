using System.Globalization;

namespace Plural.Bench.H2Relay;

/// <summary>
/// The bench's internal <c>h2-relay</c> mode: <c>h2-relay gateway --caller-port P --agent-port Q</c> or
/// <c>h2-relay agent --gateway URL --upstream URL</c>, each run until the bench stops it.
/// </summary>
public static class H2RelayCommand
{
    /// <summary>
    /// Runs the side <paramref name="args"/> (without <c>--parent</c>) name until <paramref name="ct"/> is cancelled, and
    /// returns true; false, with the usage printed, when they name none.
    /// </summary>
    public static async Task<bool> TryRunAsync(string[] args, CancellationToken ct)
    {
        switch (args)
        {
            case ["gateway", "--caller-port", var caller, "--agent-port", var agent]:
                await RelayGatewaySide.RunAsync(int.Parse(caller, CultureInfo.InvariantCulture), int.Parse(agent, CultureInfo.InvariantCulture), ct);
                return true;
            case ["agent", "--gateway", var gateway, "--upstream", var upstream]:
                using (var side = new RelayAgentSide(new Uri(gateway), new Uri(upstream)))
                {
                    try
                    {
                        await side.RunAsync(ct);
                    }
                    catch (OperationCanceledException) when (ct.IsCancellationRequested)
                    {
                        // The bench is done with it.
                    }
                }

                return true;
            default:
                await Console.Error.WriteLineAsync(
                    "usage: h2-relay gateway --caller-port P --agent-port Q --parent PID | h2-relay agent --gateway URL --upstream URL --parent PID");
                return false;
        }
    }
}
