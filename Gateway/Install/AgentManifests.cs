using System.Reflection;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Plural.Gateway.Install;

/// <summary>
/// The agent's manifests as <c>kubectl apply -k deploy/agentk</c> would install them, read from the same files (built
/// into the gateway) and transformed the way its <c>kustomization.yaml</c> says (namespace, labels, image), plus what
/// the kustomization leaves to the operator: the token's Secret, the gateway's address and the CA the agent pins.
/// Only the kustomization fields <c>deploy/agentk</c> uses are understood; another one fails the first render, so a
/// change there cannot be silently left out of the install.
/// </summary>
internal sealed class AgentManifests
{
    /// <summary>The Secret the Deployment mounts the token from (<c>deploy/agentk/agentk.yaml</c>).</summary>
    public const string TokenSecretName = "agentk-token";

    /// <summary>The ConfigMap holding the gateway's CA, mounted at <see cref="CaDirectory"/>.</summary>
    public const string CaConfigMapName = "agentk-gateway-ca";

    /// <summary>Where the agent reads the gateway's CA.</summary>
    public const string CaDirectory = "/etc/plural/gateway-ca";

    private const string ResourcePrefix = "Plural.Gateway.Install.agentk.";
    private const string CaKey = "ca.crt";
    private static readonly HashSet<string> UnderstoodFields = ["apiVersion", "kind", "namespace", "labels", "images", "resources"];
    private static readonly HashSet<string> ClusterScopedKinds = ["Namespace", "ClusterRole", "ClusterRoleBinding"];

    /// <summary>The namespace the agent is installed into (the kustomization's).</summary>
    public string Namespace { get; }

    private readonly Dictionary<string, string> _labels = [];
    private readonly Dictionary<string, string> _images = [];
    private readonly List<string> _resources = [];

    public AgentManifests()
    {
        var kustomization = (YamlMappingNode)Load("kustomization.yaml")[0];
        foreach (var field in kustomization.Children.Keys)
        {
            if (!UnderstoodFields.Contains(field.ToString()))
            {
                throw new InvalidOperationException($"deploy/agentk/kustomization.yaml: field '{field}' is not rendered into install links");
            }
        }

        Namespace = Text(kustomization, "namespace");
        foreach (var entry in Sequence(kustomization, "labels").Cast<YamlMappingNode>())
        {
            foreach (var (key, value) in (YamlMappingNode)entry["pairs"])
            {
                _labels[key.ToString()] = value.ToString();
            }
        }

        foreach (var image in Sequence(kustomization, "images").Cast<YamlMappingNode>())
        {
            var name = Text(image, "name");
            var newName = image.Children.TryGetValue("newName", out var n) ? n.ToString() : name;
            _images[name] = image.Children.TryGetValue("newTag", out var tag) ? $"{newName}:{tag}" : newName;
        }

        _resources.AddRange(Sequence(kustomization, "resources").Select(r => r.ToString()));
    }

    /// <summary>The manifests, one YAML stream, carrying <paramref name="token"/>, the gateway's URL and CA.</summary>
    public string Render(string token, string gatewayUrl, string? caPem, string? image, string header)
    {
        var stream = new YamlStream();
        foreach (var resource in _resources)
        {
            foreach (var root in Load(resource).Cast<YamlMappingNode>())
            {
                var kind = Text(root, "kind");
                Label(root, kind);
                if (kind == "Deployment")
                {
                    Configure(root, gatewayUrl, caPem is not null, image);
                }

                stream.Add(new YamlDocument(root));
                if (kind == "Namespace")
                {
                    // Right after the namespace, before the Deployment that mounts them.
                    stream.Add(new YamlDocument(TokenSecret(token)));
                    if (caPem is not null)
                    {
                        stream.Add(new YamlDocument(CaConfigMap(caPem)));
                    }
                }
            }
        }

        using var writer = new StringWriter();
        writer.WriteLine(header);
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private void Label(YamlMappingNode root, string kind)
    {
        var metadata = Child(root, "metadata");
        if (!ClusterScopedKinds.Contains(kind))
        {
            metadata.Children[new YamlScalarNode("namespace")] = new YamlScalarNode(Namespace);
        }

        var labels = Child(metadata, "labels");
        foreach (var (key, value) in _labels)
        {
            labels.Children[new YamlScalarNode(key)] = new YamlScalarNode(value);
        }

        // As kustomize does: a service account named without a namespace is the one in the installed namespace.
        if (root.Children.TryGetValue("subjects", out var subjects))
        {
            foreach (var subject in ((YamlSequenceNode)subjects).Cast<YamlMappingNode>())
            {
                if (Text(subject, "kind") == "ServiceAccount" && !subject.Children.ContainsKey("namespace"))
                {
                    subject.Children[new YamlScalarNode("namespace")] = new YamlScalarNode(Namespace);
                }
            }
        }
    }

    private void Configure(YamlMappingNode deployment, string gatewayUrl, bool withCa, string? image)
    {
        var pod = Child(Child(Child(deployment, "spec"), "template"), "spec");
        foreach (var container in Sequence(pod, "containers").Cast<YamlMappingNode>())
        {
            var current = Text(container, "image");
            var name = current.Split(':')[0];
            container.Children[new YamlScalarNode("image")] = new YamlScalarNode(image ?? _images.GetValueOrDefault(name, current));
            var env = Sequence(container, "env");
            foreach (var variable in env.Cast<YamlMappingNode>())
            {
                if (Text(variable, "name") == "Agent__GatewayUrl")
                {
                    variable.Children[new YamlScalarNode("value")] = new YamlScalarNode(gatewayUrl);
                }
            }

            if (withCa)
            {
                env.Add(new YamlMappingNode(
                    new YamlScalarNode("name"), new YamlScalarNode("Agent__GatewayCaFile"),
                    new YamlScalarNode("value"), new YamlScalarNode($"{CaDirectory}/{CaKey}")));
                Sequence(container, "volumeMounts").Add(new YamlMappingNode(
                    new YamlScalarNode("name"), new YamlScalarNode("gateway-ca"),
                    new YamlScalarNode("mountPath"), new YamlScalarNode(CaDirectory),
                    new YamlScalarNode("readOnly"), new YamlScalarNode("true")));
            }
        }

        if (withCa)
        {
            Sequence(pod, "volumes").Add(new YamlMappingNode(
                new YamlScalarNode("name"), new YamlScalarNode("gateway-ca"),
                new YamlScalarNode("configMap"), new YamlMappingNode(new YamlScalarNode("name"), new YamlScalarNode(CaConfigMapName))));
        }
    }

    private YamlMappingNode TokenSecret(string token) => new(
        new YamlScalarNode("apiVersion"), new YamlScalarNode("v1"),
        new YamlScalarNode("kind"), new YamlScalarNode("Secret"),
        new YamlScalarNode("metadata"), Metadata(TokenSecretName),
        new YamlScalarNode("type"), new YamlScalarNode("Opaque"),
        new YamlScalarNode("data"), new YamlMappingNode(
            new YamlScalarNode("token"), new YamlScalarNode(Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(token)))));

    private YamlMappingNode CaConfigMap(string caPem) => new(
        new YamlScalarNode("apiVersion"), new YamlScalarNode("v1"),
        new YamlScalarNode("kind"), new YamlScalarNode("ConfigMap"),
        new YamlScalarNode("metadata"), Metadata(CaConfigMapName),
        new YamlScalarNode("data"), new YamlMappingNode(
            new YamlScalarNode(CaKey), new YamlScalarNode(caPem.ReplaceLineEndings("\n")) { Style = ScalarStyle.Literal }));

    private YamlMappingNode Metadata(string name)
    {
        var labels = new YamlMappingNode();
        foreach (var (key, value) in _labels)
        {
            labels.Add(key, value);
        }

        return new YamlMappingNode(
            new YamlScalarNode("name"), new YamlScalarNode(name),
            new YamlScalarNode("namespace"), new YamlScalarNode(Namespace),
            new YamlScalarNode("labels"), labels);
    }

    private static List<YamlNode> Load(string file)
    {
        using var resource = Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourcePrefix + file)
            ?? throw new InvalidOperationException($"deploy/agentk/{file} is not built into the gateway");
        using var reader = new StreamReader(resource);
        var stream = new YamlStream();
        stream.Load(reader);
        return [.. stream.Documents.Select(d => d.RootNode).Where(n => n is YamlMappingNode)];
    }

    private static string Text(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? value.ToString() : "";

    private static YamlMappingNode Child(YamlMappingNode node, string key)
    {
        if (!node.Children.TryGetValue(key, out var child))
        {
            child = new YamlMappingNode();
            node.Children[new YamlScalarNode(key)] = child;
        }

        return (YamlMappingNode)child;
    }

    private static YamlSequenceNode Sequence(YamlMappingNode node, string key)
    {
        if (!node.Children.TryGetValue(key, out var child))
        {
            child = new YamlSequenceNode();
            node.Children[new YamlScalarNode(key)] = child;
        }

        return (YamlSequenceNode)child;
    }
}
