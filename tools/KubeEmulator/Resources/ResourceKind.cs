using Plural.KubeEmulator.Tables;

namespace Plural.KubeEmulator.Resources;

/// <summary>
/// Everything the server knows about one kind: it drives discovery, routing, storage keys, tables,
/// field selectors and strategic-merge list keys, for built-in kinds and CRD-defined kinds alike.
/// </summary>
internal sealed record ResourceKind(string Group, string Version, string Kind, string Plural, string Singular, bool Namespaced)
{
    public static readonly IReadOnlyList<string> AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;
    public bool HasStatus { get; init; }
    public bool HasScale { get; init; }
    public bool HasLog { get; init; }

    /// <summary>Pods only: <c>POST pods/{name}/eviction</c>, which <c>kubectl drain</c> uses.</summary>
    public bool HasEviction { get; init; }

    /// <summary>ServiceAccounts only: <c>POST serviceaccounts/{name}/token</c>, the TokenRequest API (<c>kubectl create token</c>).</summary>
    public bool HasTokenRequest { get; init; }

    /// <summary>Pods only: <c>exec</c>, <c>attach</c> and <c>portforward</c>, the subresources that upgrade to a stream.</summary>
    public bool HasStreaming { get; init; }

    /// <summary>Pods and services: <c>{name}[:port]/proxy/{path}</c> reaches the HTTP server behind the object.</summary>
    public bool HasProxy { get; init; }

    /// <summary>The options kind discovery names for the proxy subresource (<c>PodProxyOptions</c>, <c>ServiceProxyOptions</c>).</summary>
    public string ProxyOptionsKind => Kind + "ProxyOptions";

    /// <summary>False for virtual kinds such as SelfSubjectReview that are answered, not stored.</summary>
    public bool Stored { get; init; } = true;

    /// <summary>Custom resources reject strategic merge patches, as the real server does.</summary>
    public bool IsCustom { get; init; }

    public IReadOnlyList<TableColumn> Columns { get; init; } = [];

    /// <summary>Field name of a list → the key that identifies its items (strategic merge, managed fields).</summary>
    public IReadOnlyDictionary<string, string> MergeKeys { get; init; } = MergeKeySets.None;

    /// <summary>Field paths accepted in field selectors besides metadata.name and metadata.namespace.</summary>
    public IReadOnlyList<string> FieldSelectors { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Storage identity: the same objects are seen through every served version.</summary>
    public string StorageKey => $"{Group}/{Plural}";

    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string ListKind => Kind + "List";

    public string CollectionPath(string? ns) =>
        (Group.Length == 0 ? $"/api/{Version}" : $"/apis/{Group}/{Version}") + (Namespaced && ns is not null ? $"/namespaces/{ns}" : "") + $"/{Plural}";
}
