using System.Text.Json.Nodes;
using Plural.Gateway.Install;
using Plural.Testing.Kubernetes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace Plural.Gateway.Tests.Install;

/// <summary>
/// The install link's manifests are <c>deploy/agentk</c> as <c>kubectl kustomize</c> renders it, object for object,
/// with only what the kustomization leaves to the operator filled in: the token's Secret, the gateway's URL and CA.
/// </summary>
public sealed class AgentManifestsTests
{
    private const string GatewayUrl = "https://agents.example.com:8150";
    private const string Token = "plrl_agent_example";
    private const string CaPem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

    [Fact]
    public async Task Every_object_kubectl_kustomize_renders_from_deploy_agentk_is_installed_unchanged_but_the_agents_container_settings()
    {
        var expected = await KustomizeAsync();
        var installed = Parse(new AgentManifests().Render(Token, GatewayUrl, CaPem, null, "# header"));

        Assert.Equal(expected.Keys.Append("Secret/agentk-token").Append("ConfigMap/agentk-gateway-ca").Order(StringComparer.Ordinal),
            installed.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, expectedObject) in expected)
        {
            var actual = installed[key];
            if (key == "Deployment/agentk")
            {
                // The container's settings are compared below; everything else must match.
                WithoutContainerSettings(expectedObject);
                WithoutContainerSettings(actual);
            }

            Assert.True(JsonNode.DeepEquals(expectedObject, actual), $"{key}\nexpected: {expectedObject}\ninstalled: {actual}");
        }
    }

    [Fact]
    public void The_agent_dials_the_given_gateway_pinning_its_ca_with_the_token_from_the_secret()
    {
        var installed = Parse(new AgentManifests().Render(Token, GatewayUrl, CaPem, "registry.example.com/agentk:1.2.3", "# header"));

        var pod = installed["Deployment/agentk"]!["spec"]!["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        var env = container["env"]!.AsArray().Where(e => e!["value"] is not null).ToDictionary(e => (string)e!["name"]!, e => (string)e!["value"]!);
        Assert.Equal(GatewayUrl, env["Agent__GatewayUrl"]);
        Assert.Equal("/etc/plural/gateway-ca/ca.crt", env["Agent__GatewayCaFile"]);
        Assert.Equal("/secrets/agentk/token", env["Agent__TokenFile"]);
        Assert.Equal("registry.example.com/agentk:1.2.3", (string)container["image"]!);
        Assert.Contains(pod["volumes"]!.AsArray(), v => (string?)v!["configMap"]?["name"] == "agentk-gateway-ca");
        Assert.Contains(pod["volumes"]!.AsArray(), v => (string?)v!["secret"]?["secretName"] == "agentk-token");
        var secret = installed["Secret/agentk-token"]!;
        Assert.Equal("plural-agent", (string)secret["metadata"]!["namespace"]!);
        Assert.Equal(Token, System.Text.Encoding.UTF8.GetString(Convert.FromBase64String((string)secret["data"]!["token"]!)));
        Assert.Equal(CaPem, (string)installed["ConfigMap/agentk-gateway-ca"]!["data"]!["ca.crt"]!);
    }

    [Fact]
    public void Without_a_ca_the_agent_trusts_the_systems_roots_and_no_configmap_is_installed()
    {
        var installed = Parse(new AgentManifests().Render(Token, GatewayUrl, null, null, "# header"));

        Assert.DoesNotContain("ConfigMap/agentk-gateway-ca", installed.Keys);
        Assert.DoesNotContain("Agent__GatewayCaFile", installed["Deployment/agentk"]!.ToJsonString());
    }

    private static void WithoutContainerSettings(JsonNode deployment)
    {
        var pod = deployment["spec"]!["template"]!["spec"]!.AsObject();
        pod.Remove("volumes");
        foreach (var container in pod["containers"]!.AsArray())
        {
            container!.AsObject().Remove("env");
            container.AsObject().Remove("volumeMounts");
        }
    }

    private static async Task<Dictionary<string, JsonNode>> KustomizeAsync()
    {
        var directory = Directory.CreateTempSubdirectory("plural-kustomize-");
        try
        {
            var kubectl = new Kubectl(Path.Combine(directory.FullName, "no-kubeconfig"), directory.FullName);
            var rendered = (await kubectl.RunAsync("kustomize", Path.Combine(RepositoryLayout.Root, "deploy", "agentk"))).EnsureSuccess();
            return Parse(rendered.Stdout);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>The objects of a YAML stream by <c>kind/name</c>, as JSON with every scalar a string.</summary>
    private static Dictionary<string, JsonNode> Parse(string yaml)
    {
        var deserializer = new DeserializerBuilder().Build();
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var objects = new Dictionary<string, JsonNode>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (deserializer.Deserialize<object>(parser) is { } document)
            {
                var node = ToJson(document)!;
                objects.Add($"{node["kind"]}/{node["metadata"]!["name"]}", node);
            }
        }

        return objects;
    }

    private static JsonNode? ToJson(object? value) => value switch
    {
        IDictionary<object, object> map => new JsonObject(map.Select(p => KeyValuePair.Create((string)p.Key, ToJson(p.Value)))),
        IList<object> list => new JsonArray([.. list.Select(ToJson)]),
        null => null,
        _ => JsonValue.Create(value.ToString()),
    };
}
