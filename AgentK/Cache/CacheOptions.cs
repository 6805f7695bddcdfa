namespace Plural.AgentK.Cache;

/// <summary>The informer cache: which kinds the agent lists and watches, and how much it keeps. Section <c>Agent:Cache</c>.</summary>
internal sealed class CacheOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent:Cache";

    /// <summary>The kinds watched when <see cref="Kinds"/> is empty.</summary>
    public static readonly IReadOnlyList<string> DefaultKinds =
        ["nodes", "namespaces", "pods", "deployments", "statefulsets", "daemonsets", "services", "events"];

    /// <summary>Run informers at all. Without them the agent sends no events or views and answers no cached queries.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Plural resource names to watch (see <c>docs/cluster-views.md</c> for the supported ones); empty means <see cref="DefaultKinds"/>.</summary>
    public List<string> Kinds { get; set; } = [];

    /// <summary>Keep object labels (needed for label selectors in cached queries).</summary>
    public bool StoreLabels { get; set; } = true;

    /// <summary>Most objects kept per kind; beyond it new objects are not cached and the kind is reported incomplete.
    /// A kind's entry in the agent's Git configuration may set its own (<c>maxObjects</c>).</summary>
    public int MaxObjectsPerKind { get; set; } = 100_000;

    /// <summary>Most bytes kept per kind (as estimated from what is projected); beyond it new objects are not cached and
    /// the kind is reported incomplete. A kind's entry in the agent's Git configuration may set its own (<c>maxBytes</c>).</summary>
    public long MaxBytesPerKind { get; set; } = 256L * 1024 * 1024;

    /// <summary>The budget of a kind whose configuration sets none.</summary>
    public KindBudget DefaultBudget => new(MaxObjectsPerKind, MaxBytesPerKind);

    /// <summary>Objects per page when listing.</summary>
    public int ListPageSize { get; set; } = 500;

    /// <summary>How long one watch request runs before it is renewed (the server ends it; jittered by up to 20 %).</summary>
    public TimeSpan WatchTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>First delay after a failed list or watch.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest delay between failed attempts.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest Kubernetes event message kept, in characters.</summary>
    public int EventMessageLength { get; set; } = 256;

    /// <summary>Objects a cached query returns when it asks for no limit.</summary>
    public int DefaultQueryLimit { get; set; } = 500;

    /// <summary>Most objects a cached query may return (the count is always complete).</summary>
    public int MaxQueryLimit { get; set; } = 5000;

    /// <summary>The kinds to watch, defaults applied.</summary>
    public IReadOnlyList<string> EffectiveKinds => Kinds.Count == 0 ? DefaultKinds : Kinds;
}
