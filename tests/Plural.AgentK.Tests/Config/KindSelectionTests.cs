using Plural.AgentK.Cache;
using Plural.AgentK.Cache.Dynamic;
using Plural.AgentK.Config;
using Plural.AgentK.Tests.Cache;
using Plural.AgentK.Upstream;

namespace Plural.AgentK.Tests.Config;

/// <summary>
/// How the configuration's <c>cached_kinds</c> become informers against what the API server's discovery lists:
/// built-in kinds keep their typed projections, any other resource is read as JSON, and what the cluster does not
/// serve is rejected with why.
/// </summary>
public sealed class KindSelectionTests : IDisposable
{
    private static readonly KindBudget Budget = new(100, 1 << 20);

    private static readonly IReadOnlyList<DiscoveredResource> Discovered =
    [
        new("", "v1", "pods", "Pod", true, ["po"]),
        new("", "v1", "events", "Event", true, ["ev"]),
        new("", "v1", "configmaps", "ConfigMap", true, ["cm"]),
        new("apps", "v1", "deployments", "Deployment", true, ["deploy"]),
        new("events.k8s.io", "v1", "events", "Event", true, []),
        new("cert-manager.io", "v1", "certificates", "Certificate", true, ["cert"]),
    ];

    private readonly KubernetesJsonClient _api = new(CacheFactory.Options<UpstreamOptions>(),
        new UpstreamCredentials(CacheFactory.Options<UpstreamOptions>(), TimeProvider.System));

    [Fact]
    public void Any_listed_resource_is_chosen_by_any_of_its_names_and_built_in_kinds_keep_their_projection()
    {
        var selection = Read("po", "deployments.apps", "cm", "Certificate", "cert-manager.io/v1/certificates", "events");

        Assert.Empty(selection.Rejected);
        Assert.Equal(["pods", "deployments.apps", "configmaps", "certificates.cert-manager.io", "events"], selection.Kinds.Keys.Select(k => k.GroupResource));
        Assert.Same(ResourceKinds.Find("pods"), selection.Kinds.Keys.First());
        Assert.IsType<DynamicResourceKind>(selection.Kinds.Keys.Single(k => k.Plural == "configmaps"));
        Assert.Contains(FieldPaths.Restarts, selection.Kinds.Keys.First().Fields);
    }

    [Fact]
    public void Options_set_the_fields_labels_and_budget_of_a_kind()
    {
        var selection = Read("certificates.cert-manager.io;fields=spec.secretName;labels=app;maxObjects=5;maxBytes=4096", "pods;fields=spec.priority");

        var (certificates, budget) = selection.Kinds.First();
        Assert.Equal(["metadata.name", "metadata.namespace", "spec.secretName"], certificates.Fields);
        Assert.Equal(new KindBudget(5, 4096), budget);
        var pods = selection.Kinds.Keys.Last();
        Assert.Contains("spec.priority", pods.Fields);
        Assert.Contains(FieldPaths.Phase, pods.Fields);
        Assert.NotEqual(ResourceKinds.Find("pods"), pods);
        Assert.Equal(Budget, selection.Kinds[pods]);
    }

    [Fact]
    public void What_the_cluster_does_not_serve_is_rejected_with_why_and_without_discovery_only_built_in_kinds_are_chosen()
    {
        var selection = Read("widgets.example.com", "apps/v2/deployments", "pods;colour=blue");
        var blind = KindSelection.Read(["pods", "certificates.cert-manager.io"], [], null, Budget, _api);

        Assert.Empty(selection.Kinds);
        Assert.Equal(
            [
                "widgets.example.com: the cluster does not serve it (a custom resource is cached once its definition is created)",
                "apps/v2/deployments: this agent caches deployments as apps/v1/deployments",
                "pods;colour=blue: 'colour=blue' is not one of fields=, labels=, maxObjects=<at least 1>, maxBytes=<at least 1024>",
            ],
            selection.Rejected);
        Assert.Equal(["pods"], blind.Kinds.Keys.Select(k => k.Plural));
        Assert.StartsWith("certificates.cert-manager.io: the API server's discovery could not be read", Assert.Single(blind.Rejected));
    }

    public void Dispose() => _api.Dispose();

    private KindSelection Read(params string[] entries) => KindSelection.Read(entries, [], Discovered, Budget, _api);
}
