using System.Text;
using Plural.Grains.Git;
using YamlDotNet.RepresentationModel;

namespace Plural.Grains.GitOps;

/// <summary>
/// Splits manifest files into documents and checks each names an object (<c>apiVersion</c>, <c>kind</c>,
/// <c>metadata.name</c>). A bad document is reported by file, document index and reason; the others still go out.
/// </summary>
internal static class ManifestReader
{
    public static (List<ManifestDocumentSpec> Documents, List<string> Errors) Read(IEnumerable<RepositoryFile> files)
    {
        var documents = new List<ManifestDocumentSpec>();
        var errors = new List<string>();
        foreach (var file in files.Where(f => f.Path.EndsWith(".yaml", StringComparison.Ordinal) || f.Path.EndsWith(".yml", StringComparison.Ordinal)))
        {
            var index = 0;
            foreach (var (text, firstLine) in Split(file.Content))
            {
                if (Check(text) is { } problem)
                {
                    var line = problem.Line > 0 ? $" (line {firstLine + problem.Line - 1})" : "";
                    errors.Add($"{file.Path} document {index}{line}: {problem.Message}");
                }
                else
                {
                    documents.Add(new ManifestDocumentSpec(file.Path, index, text));
                }

                index++;
            }
        }

        return (documents, errors);
    }

    // Documents are cut at "---" / "..." lines rather than by the parser, so that a broken document cannot hide the
    // ones after it, and each document goes out exactly as written.
    private static IEnumerable<(string Text, int FirstLine)> Split(string content)
    {
        var current = new StringBuilder();
        var lineNumber = 0;
        var firstLine = 1;
        foreach (var line in content.Split('\n'))
        {
            lineNumber++;
            if (line.StartsWith("---", StringComparison.Ordinal) && (line.Length == 3 || char.IsWhiteSpace(line[3]))
                || line.TrimEnd() == "...")
            {
                if (HasContent(current))
                {
                    yield return (current.ToString(), firstLine);
                }

                current.Clear();
                firstLine = lineNumber + 1;
                continue;
            }

            current.Append(line.TrimEnd('\r')).Append('\n');
        }

        if (HasContent(current))
        {
            yield return (current.ToString(), firstLine);
        }
    }

    private static bool HasContent(StringBuilder text) =>
        text.ToString().Split('\n').Any(l => l.Trim().Length > 0 && !l.TrimStart().StartsWith('#'));

    private static (int Line, string Message)? Check(string text)
    {
        var (yaml, line, problem) = YamlText.Load(text);
        if (yaml is null)
        {
            return (line, problem);
        }

        if (yaml.Documents.Count != 1 || yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (0, "not a Kubernetes object (expected a mapping)");
        }

        string? Field(YamlMappingNode node, string key) =>
            node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? (value as YamlScalarNode)?.Value : null;

        if (string.IsNullOrEmpty(Field(root, "apiVersion")) || string.IsNullOrEmpty(Field(root, "kind")))
        {
            return ((int)root.Start.Line, "apiVersion and kind are required");
        }

        if (!root.Children.TryGetValue(new YamlScalarNode("metadata"), out var metadata)
            || metadata is not YamlMappingNode metadataMap || string.IsNullOrEmpty(Field(metadataMap, "name")))
        {
            return ((int)root.Start.Line, "metadata.name is required");
        }

        return null;
    }
}
