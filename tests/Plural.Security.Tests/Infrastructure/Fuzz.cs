namespace Plural.Security.Tests.Infrastructure;

/// <summary>
/// How long the property tests search. CI runs a bounded number of cases per property so that the
/// whole project stays well under two minutes; <c>PLURAL_FUZZ_ITERATIONS</c> raises it for a long run
/// (see docs/security.md), and <c>CsCheck_Seed</c> replays a failure CsCheck reported.
/// </summary>
internal static class Fuzz
{
    public const string IterationsVariable = "PLURAL_FUZZ_ITERATIONS";

    /// <summary>The number of cases for one property: <paramref name="inCi"/> unless the environment asks for more.</summary>
    public static long Iterations(long inCi) =>
        long.TryParse(Environment.GetEnvironmentVariable(IterationsVariable), out var asked) && asked > 0 ? asked : inCi;

    /// <summary>A case that does not finish in this time counts as a hang, which is a failure like a crash.</summary>
    public static readonly TimeSpan CaseTimeout = TimeSpan.FromSeconds(20);
}
