namespace Plural.EndToEnd.Tests.GitOps;

/// <summary>
/// What a platform team commits for one agent: its configuration with one sync target <c>shop</c> (everything under
/// <c>deploy/</c>, namespace <c>shop</c>, pruned) and the manifests that go there.
/// </summary>
internal static class ShopRepository
{
    public const string Namespace = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n";

    public const string Service = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n    - port: 80\n";

    public static string ConfigPath(string agent) => $".plural/agents/{agent}/config.yaml";

    public static string Config(string kinds) => $$"""
        cache:
          kinds: [{{kinds}}]
        gitops:
          reapplyInterval: 1h
          projects:
            - name: shop
              paths: [deploy]
              namespace: shop
              prune: true
        """;

    public static string ConfigMap(string name, string greeting) =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  greeting: {greeting}\n";
}
