using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Plural.AgentK.Cache;

/// <summary>
/// A kind the cache can hold: its names, and how to list, watch and project it. Built-in kinds use typed
/// KubernetesClient calls (<see cref="Create{T, TList}"/>), any other resource the API server lists is read as JSON
/// (<see cref="Dynamic.DynamicResourceKind"/>); the informer loop is the same for every kind. Two kinds are equal when
/// they read the same resource the same way (<see cref="Identity"/>).
/// </summary>
internal abstract class ResourceKind : IEquatable<ResourceKind>
{
    protected ResourceKind(string group, string version, string plural, string kind, bool namespaced, IReadOnlyList<string> fields, IReadOnlyList<string> shortNames)
    {
        Group = group;
        Version = version;
        Plural = plural;
        Kind = kind;
        Namespaced = namespaced;
        ShortNames = shortNames;
        Fields = [Cache.FieldPaths.Name, Cache.FieldPaths.Namespace, .. fields];
    }

    /// <summary>API group, empty for the core group.</summary>
    public string Group { get; }

    /// <summary>The version the kind is listed and watched in, e.g. <c>v1</c>.</summary>
    public string Version { get; }

    /// <summary><c>group/version</c>, or the version alone for the core group.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary><c>plural.group</c> (<c>widgets.example.com</c>), or the plural alone for the core group: how kubectl names a resource.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>Short names the API server publishes (<c>po</c>, <c>deploy</c>).</summary>
    public IReadOnlyList<string> ShortNames { get; }

    /// <summary>What makes two kinds the same informer: the resource and how its objects are projected.</summary>
    public virtual string Identity => $"{ApiVersion}/{Plural}";

    /// <summary>Whether <paramref name="name"/> (plural, kind, short name, <c>plural.group</c>, case-insensitive) names this kind.</summary>
    public bool IsNamed(string name) =>
        string.Equals(name, Plural, StringComparison.OrdinalIgnoreCase) || string.Equals(name, Kind, StringComparison.OrdinalIgnoreCase)
        || string.Equals(name, GroupResource, StringComparison.OrdinalIgnoreCase)
        || ShortNames.Any(s => string.Equals(s, name, StringComparison.OrdinalIgnoreCase));

    public bool Equals(ResourceKind? other) => other is not null && other.Identity == Identity;

    public override bool Equals(object? obj) => Equals(obj as ResourceKind);

    public override int GetHashCode() => Identity.GetHashCode(StringComparison.Ordinal);

    /// <summary>Plural resource name, e.g. <c>pods</c>.</summary>
    public string Plural { get; }

    /// <summary>Kind, e.g. <c>Pod</c>.</summary>
    public string Kind { get; }

    /// <summary>False for cluster-scoped kinds (nodes, namespaces).</summary>
    public bool Namespaced { get; }

    /// <summary>The field paths kept for this kind (field selectors may use these).</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>
    /// This kind keeping what <paramref name="projection"/> says: a built-in kind adds its fields to its own projection
    /// and keeps only its labels; the default projection is the kind itself.
    /// </summary>
    public virtual ResourceKind WithProjection(KindProjection projection) =>
        projection.IsDefault ? this : throw new NotSupportedException($"{GroupResource} takes no projection");

    /// <summary>Lists one page.</summary>
    public abstract Task<ListPage> ListAsync(IKubernetes client, ListRequest request, ProjectionContext context, CancellationToken ct);

    /// <summary>
    /// Watches from <see cref="ListRequest.ResourceVersion"/> until the server ends the watch. Errors the server
    /// sends as watch events (410 Gone) go to <paramref name="onError"/>; transport errors are thrown.
    /// </summary>
    public abstract IAsyncEnumerable<WatchItem> WatchAsync(
        IKubernetes client, ListRequest request, ProjectionContext context, Action<Exception> onError, CancellationToken ct);

    /// <summary>Creates a kind from its typed list call and projection.</summary>
    public static ResourceKind Create<T, TList>(
        string apiVersion,
        string plural,
        string kind,
        bool namespaced,
        IReadOnlyList<string> shortNames,
        IReadOnlyList<string> fields,
        Func<IKubernetes, ListRequest, CancellationToken, Task<HttpOperationResponse<TList>>> list,
        Func<IKubernetes, ListRequest, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<T, ProjectionContext, CachedObject> project)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    {
        var slash = apiVersion.IndexOf('/');
        return new Typed<T, TList>(slash < 0 ? "" : apiVersion[..slash], apiVersion[(slash + 1)..], plural, kind, namespaced, shortNames, fields, list, watch, project,
            KindProjection.Default);
    }

    private sealed class Typed<T, TList>(
        string group,
        string version,
        string plural,
        string kind,
        bool namespaced,
        IReadOnlyList<string> shortNames,
        IReadOnlyList<string> fields,
        Func<IKubernetes, ListRequest, CancellationToken, Task<HttpOperationResponse<TList>>> list,
        Func<IKubernetes, ListRequest, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<T, ProjectionContext, CachedObject> project,
        KindProjection projection) : ResourceKind(group, version, plural, kind, namespaced, [.. fields, .. projection.Fields.Except(fields)], shortNames)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    {
        public override string Identity => projection.IsDefault ? base.Identity : base.Identity + "#" + projection.Signature;

        public override ResourceKind WithProjection(KindProjection chosen) => chosen.Signature == projection.Signature ? this :
            new Typed<T, TList>(Group, Version, Plural, Kind, Namespaced, ShortNames, fields, list, watch, project, chosen);

        /// <summary>The kind's own projection, then the configured extra fields (read from the object's JSON) and labels.</summary>
        private CachedObject Project(T item, ProjectionContext context)
        {
            var projected = project(item, context);
            if (projection.IsDefault)
            {
                return projected;
            }

            var kept = new Dictionary<string, string>(projected.Fields);
            if (projection.Fields.Count > 0)
            {
                using var json = System.Text.Json.JsonDocument.Parse(KubernetesJson.Serialize(item));
                foreach (var path in projection.Fields)
                {
                    if (Dynamic.JsonFieldPath.Read(json.RootElement, path) is { } value)
                    {
                        kept[path] = value;
                    }
                }
            }

            return projected with { Fields = kept, Labels = projection.Labels is null ? projected.Labels : projection.KeepLabels(projected.Labels) };
        }

        public override async Task<ListPage> ListAsync(IKubernetes client, ListRequest request, ProjectionContext context, CancellationToken ct)
        {
            using var response = await list(client, request, ct);
            var body = response.Body;
            var items = (body.Items ?? []).Select(item => Project(item, context)).ToList();
            return new ListPage(items, body.Metadata?.ResourceVersion ?? "", NullIfEmpty(body.Metadata?.ContinueProperty));
        }

        public override async IAsyncEnumerable<WatchItem> WatchAsync(
            IKubernetes client, ListRequest request, ProjectionContext context, Action<Exception> onError, [EnumeratorCancellation] CancellationToken ct)
        {
            await foreach (var (type, item) in watch(client, request, onError, ct))
            {
                var version = item?.Metadata?.ResourceVersion ?? "";
                if (type == WatchEventType.Bookmark)
                {
                    yield return new WatchItem(type, null, version);
                }
                else if (type is WatchEventType.Added or WatchEventType.Modified or WatchEventType.Deleted && item?.Metadata?.Name is not null)
                {
                    yield return new WatchItem(type, Project(item, context), version);
                }
            }
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
