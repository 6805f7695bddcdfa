namespace Plural.AgentK.Cache;

/// <summary>
/// What the cache keeps of each object of one kind, beyond its identity: field paths (<c>spec.size</c>,
/// <c>status.conditions[type=Ready].status</c>) and which labels (null: all of them). For a built-in kind the fields
/// add to those its own projection keeps; any other kind keeps exactly these.
/// </summary>
internal sealed record KindProjection(IReadOnlyList<string> Fields, IReadOnlyList<string>? Labels)
{
    /// <summary>Nothing configured: a built-in kind's own projection, or <see cref="DefaultFields"/> for any other kind.</summary>
    public static readonly KindProjection Default = new([], null);

    /// <summary>What a kind without a projection of its own keeps when nothing is configured: the usual status fields.</summary>
    public static readonly IReadOnlyList<string> DefaultFields = ["status.phase", "status.conditions[type=Ready].status"];

    /// <summary>Part of a kind's identity: a change of projection restarts its informer.</summary>
    public string Signature => IsDefault ? "" : $"fields={string.Join(',', Fields)};labels={(Labels is null ? "*" : string.Join(',', Labels))}";

    public bool IsDefault => Fields.Count == 0 && Labels is null;

    /// <summary>The labels of an object as this projection keeps them.</summary>
    public IReadOnlyDictionary<string, string> KeepLabels(IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is not { Count: > 0 })
        {
            return CachedObject.None;
        }

        return Labels is null ? new Dictionary<string, string>(labels) : labels.Where(l => Labels.Contains(l.Key)).ToDictionary();
    }
}
