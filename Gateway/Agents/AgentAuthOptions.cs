using System.ComponentModel.DataAnnotations;

namespace Plural.Gateway.Agents;

/// <summary>Agent token resolution and abuse limits. Section <c>Gateway:AgentAuth</c>.</summary>
internal sealed class AgentAuthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string Section = "Gateway:AgentAuth";

    /// <summary>A cached resolution older than this is refreshed in the background while still served.</summary>
    public TimeSpan RefreshAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A cached resolution older than this is not served any more; the caller waits for a fresh one.</summary>
    public TimeSpan MaxStaleness { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an unknown token stays known as unknown.</summary>
    public TimeSpan NegativeTtl { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Failed authentications one remote address may make per minute before it is refused outright.</summary>
    [Range(1, int.MaxValue)] public int MaxFailuresPerMinute { get; set; } = 30;
}
