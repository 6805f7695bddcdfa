using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.GitOps;

/// <summary>Rejects re-apply and request timings GitOps cannot keep, and an inventory namespace Kubernetes would refuse.</summary>
internal sealed class GitOpsOptionsValidator : IValidateOptions<GitOpsOptions>
{
    public ValidateOptionsResult Validate(string? name, GitOpsOptions options)
    {
        var errors = new List<string>();
        if (options.MinReapplyInterval < TimeSpan.FromSeconds(1)) errors.Add("Agent:GitOps:MinReapplyInterval must be at least 1 second.");
        if (options.ReapplyInterval < options.MinReapplyInterval) errors.Add("Agent:GitOps:ReapplyInterval must be at least Agent:GitOps:MinReapplyInterval.");
        if (options.RequestTimeout <= TimeSpan.Zero) errors.Add("Agent:GitOps:RequestTimeout must be positive.");
        if (options.CrdEstablishTimeout < TimeSpan.Zero) errors.Add("Agent:GitOps:CrdEstablishTimeout must not be negative.");
        if (options.InventoryNamespace is { Length: > 0 } ns && !Regex.IsMatch(ns, "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"))
        {
            errors.Add($"Agent:GitOps:InventoryNamespace '{ns}' is not a namespace name (lower-case letters, digits and '-', at most 63).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
