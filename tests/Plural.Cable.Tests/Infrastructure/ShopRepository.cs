namespace Plural.Cable.Tests.Infrastructure;

/// <summary>
/// What the cable tests put in an agent's GitOps repository: a configuration with one project, <c>shop</c>, applying
/// <c>deploy/</c> to <c>default</c> and pruning what leaves it, and the manifests they commit there.
/// </summary>
internal static class ShopRepository
{
    public const string Project = "shop";

    public const string Config = """
        gitops:
          projects:
            - name: shop
              paths: [deploy]
              namespace: default
              prune: true
        """;

    public static string ConfigMap(string name, string greeting = "hello") =>
        $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\ndata:\n  greeting: {greeting}\n";

    public static string Pod(string name, string app) =>
        $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: {app}\nspec:\n  containers:\n    - name: main\n      image: nginx:1.27\n";
}
