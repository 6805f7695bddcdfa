using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Leadership;

/// <summary>
/// Rejects timings under which two replicas could act at once (client-go's rules: the lease outlasts the renew deadline,
/// which outlasts a jittered retry) and names the API server would refuse.
/// </summary>
internal sealed partial class LeaderElectionOptionsValidator : IValidateOptions<LeaderElectionOptions>
{
    public ValidateOptionsResult Validate(string? name, LeaderElectionOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        if (options.LeaseName!.Length > 253 || !Subdomain().IsMatch(options.LeaseName))
            errors.Add($"Agent:LeaderElection:LeaseName '{options.LeaseName}' is not a Lease name (a lower-case RFC 1123 subdomain).");
        if (string.IsNullOrWhiteSpace(options.LeaseNamespace))
            errors.Add("Agent:LeaderElection:LeaseNamespace is required with a LeaseName outside a pod (set it, or POD_NAMESPACE).");
        else if (!Label().IsMatch(options.LeaseNamespace) || options.LeaseNamespace.Length > 63)
            errors.Add($"Agent:LeaderElection:LeaseNamespace '{options.LeaseNamespace}' is not a namespace name (lower-case letters, digits and '-', at most 63).");
        if (string.IsNullOrWhiteSpace(options.Identity))
            errors.Add("Agent:LeaderElection:Identity must not be empty.");
        if (options.RetryPeriod <= TimeSpan.Zero)
            errors.Add("Agent:LeaderElection:RetryPeriod must be positive.");
        if (options.RenewDeadline <= options.RetryPeriod * LeaderElector.JitterFactor)
            errors.Add($"Agent:LeaderElection:RenewDeadline must be longer than {LeaderElector.JitterFactor} x RetryPeriod.");
        if (options.LeaseDuration <= options.RenewDeadline)
            errors.Add("Agent:LeaderElection:LeaseDuration must be longer than RenewDeadline, or a replica could take over while the leader still acts.");
        if (options.LeaseDuration < TimeSpan.FromSeconds(1) || options.LeaseDuration.Ticks % TimeSpan.TicksPerSecond != 0)
            errors.Add("Agent:LeaderElection:LeaseDuration must be a whole number of seconds, at least 1 (a Lease holds seconds).");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Label();
}
