using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Plural.AgentK.GitOps;

/// <summary>
/// Reads the identity of each document (apiVersion, kind, metadata.name, metadata.namespace). Anything else in the
/// document is the API server's to judge; only what stops the agent from addressing the object is an error here.
/// </summary>
internal static class ManifestParser
{
    /// <summary>Reads one document; null for an empty one (comments only, or a stray <c>---</c>).</summary>
    public static ManifestObject? Parse(string path, int index, string yaml, string defaultNamespace)
    {
        YamlMappingNode root;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" or "~" or "null" })
            {
                return null;
            }

            if (stream.Documents.Count > 1)
            {
                return Failed("holds more than one YAML document");
            }

            if (stream.Documents[0].RootNode is not YamlMappingNode mapping)
            {
                return Failed("is not a YAML mapping (an object with apiVersion, kind and metadata)");
            }

            root = mapping;
        }
        catch (YamlException failure)
        {
            return Failed($"is not valid YAML: line {failure.Start.Line}, column {failure.Start.Column}: {failure.Message}");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner gives up this way on some unterminated flow collections, without a position.
            return Failed("is not valid YAML: an unterminated flow mapping or sequence ('{' or '[')");
        }

        var apiVersion = Scalar(root, "apiVersion");
        var kind = Scalar(root, "kind");
        var metadata = root.Children.TryGetValue(new YamlScalarNode("metadata"), out var node) ? node as YamlMappingNode : null;
        var name = metadata is null ? null : Scalar(metadata, "name");
        var ns = metadata is null ? null : Scalar(metadata, "namespace");
        if (string.IsNullOrEmpty(apiVersion)) return Failed("has no apiVersion");
        if (string.IsNullOrEmpty(kind)) return Failed("has no kind");
        if (kind.EndsWith("List", StringComparison.Ordinal) && root.Children.ContainsKey(new YamlScalarNode("items")))
        {
            return Failed($"is a {kind}; put each object in its own document");
        }

        if (string.IsNullOrEmpty(name))
        {
            return Failed("has no metadata.name (server-side apply cannot use generateName)");
        }

        var identity = new ObjectIdentity(apiVersion, kind, string.IsNullOrEmpty(ns) ? defaultNamespace : ns, name);
        return new ManifestObject(path, index, identity, yaml, null);

        ManifestObject Failed(string reason) => new(path, index, null, yaml, "the document " + reason);
    }

    private static string? Scalar(YamlMappingNode mapping, string key) =>
        mapping.Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
