using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace Plural.AgentK.Cache;

/// <summary>
/// A kind the cache can hold: its names, and how to list, watch and project it. The typed KubernetesClient
/// calls stay behind this class so the informer loop is the same for every kind.
/// </summary>
internal abstract class ResourceKind
{
    protected ResourceKind(string plural, string kind, bool namespaced, IReadOnlyList<string> fields)
    {
        Plural = plural;
        Kind = kind;
        Namespaced = namespaced;
        Fields = [Cache.FieldPaths.Name, Cache.FieldPaths.Namespace, .. fields];
    }

    /// <summary>Plural resource name, e.g. <c>pods</c>.</summary>
    public string Plural { get; }

    /// <summary>Kind, e.g. <c>Pod</c>.</summary>
    public string Kind { get; }

    /// <summary>False for cluster-scoped kinds (nodes, namespaces).</summary>
    public bool Namespaced { get; }

    /// <summary>The field paths kept for this kind (field selectors may use these).</summary>
    public IReadOnlyList<string> Fields { get; }

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
        string plural,
        string kind,
        bool namespaced,
        IReadOnlyList<string> fields,
        Func<IKubernetes, ListRequest, CancellationToken, Task<HttpOperationResponse<TList>>> list,
        Func<IKubernetes, ListRequest, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<T, ProjectionContext, CachedObject> project)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T> =>
        new Typed<T, TList>(plural, kind, namespaced, fields, list, watch, project);

    private sealed class Typed<T, TList>(
        string plural,
        string kind,
        bool namespaced,
        IReadOnlyList<string> fields,
        Func<IKubernetes, ListRequest, CancellationToken, Task<HttpOperationResponse<TList>>> list,
        Func<IKubernetes, ListRequest, Action<Exception>, CancellationToken, IAsyncEnumerable<(WatchEventType, T)>> watch,
        Func<T, ProjectionContext, CachedObject> project) : ResourceKind(plural, kind, namespaced, fields)
        where T : IKubernetesObject<V1ObjectMeta>
        where TList : IKubernetesObject<V1ListMeta>, IItems<T>
    {
        public override async Task<ListPage> ListAsync(IKubernetes client, ListRequest request, ProjectionContext context, CancellationToken ct)
        {
            using var response = await list(client, request, ct);
            var body = response.Body;
            var items = (body.Items ?? []).Select(item => project(item, context)).ToList();
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
                    yield return new WatchItem(type, project(item, context), version);
                }
            }
        }

        private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
    }
}
