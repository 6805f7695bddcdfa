using Plural.AgentK.Cache;

namespace Plural.AgentK.Config;

/// <summary>
/// The kinds an agent configuration asks the informers to watch, read from <c>cached_kinds</c>: plural names, kinds or
/// short names (<c>pods</c>, <c>Deployment</c>, <c>sts</c>) or <c>group/version/resource</c> (<c>apps/v1/deployments</c>,
/// <c>v1/pods</c>). Entries the agent cannot watch are rejected with why.
/// </summary>
internal sealed record KindSelection(IReadOnlyList<ResourceKind> Kinds, IReadOnlyList<string> Rejected)
{
    public static KindSelection Read(IEnumerable<string> requested, IReadOnlyList<string> defaults)
    {
        var entries = requested.Select(r => r.Trim()).Where(r => r.Length > 0).ToList();
        if (entries.Count == 0)
        {
            entries = [.. defaults];
        }

        var kinds = new List<ResourceKind>();
        var rejected = new List<string>();
        foreach (var entry in entries)
        {
            var (kind, reason) = Resolve(entry);
            if (kind is null)
            {
                rejected.Add($"{entry}: {reason}");
            }
            else if (!kinds.Contains(kind))
            {
                kinds.Add(kind);
            }
        }

        return new KindSelection(kinds, rejected);
    }

    private static (ResourceKind? Kind, string? Reason) Resolve(string entry)
    {
        var parts = entry.Split('/');
        var name = parts[^1];
        var kind = ResourceKinds.Find(name);
        if (kind is null)
        {
            return (null, $"not a kind this agent can cache (supported: {ResourceKinds.Supported})");
        }

        if (parts.Length == 1)
        {
            return (kind, null);
        }

        var apiVersion = string.Join('/', parts[..^1]);
        var served = ResourceKinds.ApiVersionOf(kind);
        return parts.Length is 2 or 3 && apiVersion == served && name == kind.Plural
            ? (kind, null)
            : (null, $"this agent caches {kind.Plural} as {served}/{kind.Plural}");
    }
}
