namespace Plural.AgentK.Views;

/// <summary>The precomputed cluster view sent up the session. Section <c>Agent:Views</c>.</summary>
internal sealed class ClusterViewOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent:Views";

    /// <summary>Compute and send the view (needs the cache).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long the view waits after a change for further changes before it is computed and sent.</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The view is sent at least this often, changed or not, so its age stays small while connected.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The window the warning events rate is measured over.</summary>
    public TimeSpan WarningWindow { get; set; } = TimeSpan.FromMinutes(5);
}
