using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Plural.Grains.GitOps;

/// <summary>
/// Parses one agent configuration file against the schema in docs/gitops.md. Every problem names the file and line;
/// unknown keys are problems too, so a typo never silently means "default".
/// </summary>
internal static partial class AgentConfigParser
{
    public static ConfigFileModel Parse(string file, string text, List<ConfigProblem> problems)
    {
        var first = problems.Count;
        var model = ParseFile(file, text, problems);
        for (var i = first; i < problems.Count; i++)
        {
            problems[i] = problems[i] with { Line = LineWithin(text, problems[i].Line) };
        }

        return model;
    }

    private static ConfigFileModel ParseFile(string file, string text, List<ConfigProblem> problems)
    {
        var model = new ConfigFileModel();
        var (yaml, line, problem) = YamlText.Load(text);
        if (yaml is null)
        {
            problems.Add(new ConfigProblem(file, line, problem));
            return model;
        }

        if (yaml.Documents.Count == 0)
        {
            return model;
        }

        if (yaml.Documents.Count > 1)
        {
            problems.Add(new ConfigProblem(file, Line(yaml.Documents[1].RootNode), "a configuration file holds one YAML document"));
        }

        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
        {
            problems.Add(new ConfigProblem(file, Line(yaml.Documents[0].RootNode), "the configuration must be a mapping"));
            return model;
        }

        var context = new Context(file, problems);
        foreach (var (key, value) in Entries(root, context, "include", "cache", "gitops"))
        {
            switch (key)
            {
                case "include":
                    foreach (var item in StringList(value, context, "include"))
                    {
                        model.Includes.Add((item, Line(value)));
                    }
                    break;
                case "cache":
                    foreach (var (cacheKey, cacheValue) in Entries(value, context, "kinds"))
                    {
                        model.CachedKinds = Kinds(cacheValue, context);
                    }
                    break;
                case "gitops":
                    foreach (var (gitopsKey, gitopsValue) in Entries(value, context, "reapplyInterval", "projects"))
                    {
                        if (gitopsKey == "reapplyInterval")
                        {
                            model.ReapplyIntervalSeconds = Duration(gitopsValue, context);
                        }
                        else
                        {
                            model.Projects.AddRange(Projects(gitopsValue, context));
                        }
                    }
                    break;
            }
        }

        return model;
    }

    private static List<string> Kinds(YamlNode node, Context context)
    {
        if (node is not YamlSequenceNode sequence)
        {
            context.Add(node, "cache.kinds must be a list of resource names or mappings with resource, fields, labels, maxObjects, maxBytes");
            return [];
        }

        var kinds = new List<string>();
        foreach (var item in sequence)
        {
            var kind = item is YamlMappingNode ? KindWithOptions(item, context) : Scalar(item, context, "cache.kinds");
            if (kind is null)
            {
                continue;
            }

            if (!KindPattern().IsMatch(kind.Split(';')[0]))
            {
                context.Add(item, $"cache.kinds: '{kind}' is not a resource name ('pods', 'certificates.cert-manager.io') or group/version/resource ('apps/v1/deployments')");
                continue;
            }

            kinds.Add(kind);
        }

        return kinds;
    }

    /// <summary>
    /// A <c>cache.kinds</c> entry with options, sent to the agent as one string:
    /// <c>resource;fields=a.b,c;labels=app,team;maxObjects=1000;maxBytes=1048576</c> (the agent's <c>KindEntry</c> reads it).
    /// </summary>
    private static string? KindWithOptions(YamlNode node, Context context)
    {
        string? resource = null;
        var parts = new List<string>();
        foreach (var (key, value) in Entries(node, context, "resource", "fields", "labels", "maxObjects", "maxBytes"))
        {
            switch (key)
            {
                case "resource":
                    resource = Scalar(value, context, "resource");
                    break;
                case "fields" or "labels":
                    var items = StringList(value, context, $"cache.kinds[].{key}");
                    foreach (var bad in items.Where(i => !(key == "fields" ? FieldPathPattern() : LabelKeyPattern()).IsMatch(i)))
                    {
                        context.Add(value, key == "fields"
                            ? $"fields: '{bad}' is not a field path like spec.size, spec.ports[0].port or status.conditions[type=Ready].status"
                            : $"labels: '{bad}' is not a label key");
                    }

                    parts.Add($"{key}={string.Join(',', items)}");
                    break;
                default:
                    var text = Scalar(value, context, key);
                    var minimum = key == "maxBytes" ? 1024 : 1;
                    if (text is null)
                    {
                        break;
                    }

                    if (long.TryParse(text, out var number) && number >= minimum && (key == "maxBytes" || number <= int.MaxValue))
                    {
                        parts.Add($"{key}={number}");
                    }
                    else
                    {
                        context.Add(value, $"{key}: '{text}' is not a whole number from {minimum} to {(key == "maxBytes" ? long.MaxValue : int.MaxValue)}");
                    }

                    break;
            }
        }

        if (resource is null)
        {
            context.Add(node, "a cache.kinds entry written as a mapping needs resource (e.g. certificates.cert-manager.io)");
            return null;
        }

        return string.Join(';', [resource, .. parts]);
    }

    private static IEnumerable<ProjectModel> Projects(YamlNode node, Context context)
    {
        if (node is not YamlSequenceNode sequence)
        {
            context.Add(node, "gitops.projects must be a list");
            yield break;
        }

        foreach (var item in sequence)
        {
            string? name = null, repository = null, gitRef = null, ns = null, serviceAccount = null;
            bool? prune = null;
            List<string> paths = [];
            foreach (var (key, value) in Entries(item, context, "name", "repository", "ref", "paths", "namespace", "prune", "serviceAccount"))
            {
                switch (key)
                {
                    case "name": name = Scalar(value, context, "name"); break;
                    case "repository": repository = Scalar(value, context, "repository"); break;
                    case "ref": gitRef = Scalar(value, context, "ref"); break;
                    case "namespace": ns = Scalar(value, context, "namespace"); break;
                    case "serviceAccount": serviceAccount = Scalar(value, context, "serviceAccount"); break;
                    case "paths": paths = StringList(value, context, "paths"); break;
                    case "prune":
                        var text = Scalar(value, context, "prune");
                        if (bool.TryParse(text, out var parsed)) prune = parsed;
                        else context.Add(value, $"prune: '{text}' is not true or false");
                        break;
                }
            }

            if (name is null || !LabelPattern().IsMatch(name))
            {
                context.Add(item, "each project needs a name: lowercase letters, digits and '-', at most 63 characters");
                continue;
            }

            if (paths.Count == 0)
            {
                context.Add(item, $"project '{name}' needs at least one entry in paths");
                continue;
            }

            if (ns is not null && !LabelPattern().IsMatch(ns))
            {
                context.Add(item, $"project '{name}': namespace '{ns}' is not a valid namespace name");
            }

            if (serviceAccount is not null && !SubdomainPattern().IsMatch(serviceAccount))
            {
                context.Add(item, $"project '{name}': serviceAccount '{serviceAccount}' is not a valid service account name");
            }

            yield return new ProjectModel(name, repository, gitRef, paths, ns, prune, serviceAccount);
        }
    }

    private static int? Duration(YamlNode node, Context context)
    {
        var text = Scalar(node, context, "reapplyInterval");
        if (text is null)
        {
            return null;
        }

        if (int.TryParse(text, out var seconds) && seconds >= 0)
        {
            return seconds;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success || text.Length == 0)
        {
            context.Add(node, $"reapplyInterval: '{text}' is not a duration like 90, 30s, 10m or 1h30m");
            return null;
        }

        // Digits beyond a long count as "too long" rather than overflowing.
        decimal Part(string group) => !match.Groups[group].Success ? 0
            : long.TryParse(match.Groups[group].Value, out var value) ? value : decimal.MaxValue / 4000;
        var total = Part("h") * 3600 + Part("m") * 60 + Part("s");
        if (total > int.MaxValue)
        {
            context.Add(node, $"reapplyInterval: '{text}' is longer than {int.MaxValue} seconds");
            return null;
        }

        return (int)total;
    }

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlNode node, Context context, params string[] allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Add(node, $"expected a mapping with keys {string.Join(", ", allowed)}");
            yield break;
        }

        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(key))
            {
                context.Add(keyNode, $"unknown key '{key}' (expected one of {string.Join(", ", allowed)})");
                continue;
            }

            yield return (key, value);
        }
    }

    private static List<string> StringList(YamlNode node, Context context, string what)
    {
        if (node is not YamlSequenceNode sequence)
        {
            context.Add(node, $"{what} must be a list of strings");
            return [];
        }

        return [.. sequence.Select(item => Scalar(item, context, what)).OfType<string>()];
    }

    private static string? Scalar(YamlNode node, Context context, string what)
    {
        if (node is YamlScalarNode { Value: { Length: > 0 } value })
        {
            return value;
        }

        context.Add(node, $"{what} must be a non-empty string");
        return null;
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    /// <summary>
    /// A line of the file: YamlDotNet places an error or an empty node at the very end of a file one line past its
    /// last.
    /// </summary>
    private static int LineWithin(string text, long line)
    {
        var last = 1 + text.Count(c => c is '\n' or '\u0085' or '\u2028' or '\u2029') + CarriageReturnsAlone(text);
        return (int)Math.Clamp(line, 1, last);
    }

    private static int CarriageReturnsAlone(string text) =>
        text.Select((c, i) => c == '\r' && (i + 1 == text.Length || text[i + 1] != '\n')).Count(alone => alone);

    [GeneratedRegex("^[A-Za-z0-9.-]+(/[A-Za-z0-9.-]+){0,2}$")]
    private static partial Regex KindPattern();

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex LabelPattern();

    // Service account names are DNS subdomains: labels joined by dots, at most 253 characters.
    [GeneratedRegex("^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_/-]+(\[[A-Za-z0-9_./-]+(=[A-Za-z0-9_./:-]*)?\])?(\.[A-Za-z0-9_/-]+(\[[A-Za-z0-9_./-]+(=[A-Za-z0-9_./:-]*)?\])?)*$")]
    private static partial Regex FieldPathPattern();

    [GeneratedRegex(@"^([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")]
    private static partial Regex LabelKeyPattern();

    [GeneratedRegex("^(?:(?<h>[0-9]+)h)?(?:(?<m>[0-9]+)m)?(?:(?<s>[0-9]+)s)?$")]
    private static partial Regex DurationPattern();

    private sealed record Context(string File, List<ConfigProblem> Problems)
    {
        public void Add(YamlNode node, string message) => Problems.Add(new ConfigProblem(File, Line(node), message));
    }
}
