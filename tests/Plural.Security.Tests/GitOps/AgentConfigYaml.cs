using System.Text;
using System.Text.Json;
using CsCheck;
using Plural.Grains.GitOps;

namespace Plural.Security.Tests.GitOps;

/// <summary>
/// Generators of agent configuration files (docs/gitops.md): valid ones with the model they must parse to, and
/// hostile text derived from them.
/// </summary>
internal static class AgentConfigYaml
{
    private static readonly Gen<string> Label = Gen.Frequency(
        (3, Gen.OneOf("web", "db", "prod-eu-1", "a", "x0", new string('a', 63))),
        (2, Gen.String[Gen.Char["abcdefghijklmnopqrstuvwxyz0123456789"], 1, 20]),
        (1, Gen.Select(Gen.String[Gen.Char["abc0"], 1, 5], Gen.String[Gen.Char["abc0-"], 0, 10], Gen.String[Gen.Char["yz9"], 1, 3],
            (a, b, c) => a + b + c)));

    /// <summary>Free text: paths, repositories and refs, with characters YAML gives a meaning to and some beyond ASCII.</summary>
    private static readonly Gen<string> Text = Gen.Frequency(
        (3, Gen.OneOf("manifests/web", "/_shared/base.yaml", "../x", "main", "refs/tags/v1.2", "https://git.example/app.git",
            "yes", "no", "null", "~", "0x1F", "1e3", "- item", "key: value", "#not a comment", "*alias", "&anchor", "!!str")),
        (2, Gen.String[Gen.Char["abcXYZ019 ./_-:#'\"\\{}[],&*!|>%@`\t\u00e9\u4e2d"], 1, 24]));

    private static readonly Gen<string> Kind = Gen.OneOf("pods", "configmaps", "apps/v1/deployments", "v1/services",
        "networking.k8s.io/v1/ingresses", "example.com/v1alpha1/widgets", "Secrets");

    private static readonly Gen<(string Yaml, int Seconds)> Interval = Gen.Frequency(
        (1, Gen.Int[0, 1_000_000].Select(s => (s.ToString(), s))),
        (2, Gen.Select(Gen.Int[0, 500], Gen.Int[0, 59], Gen.Int[0, 59], Gen.Bool, Gen.Bool, Gen.Bool, (h, m, s, useH, useM, useS) =>
        {
            (useH, useS) = !useH && !useM && !useS ? (false, true) : (useH, useS);
            var text = (useH ? $"{h}h" : "") + (useM ? $"{m}m" : "") + (useS ? $"{s}s" : "");
            return (Quoted(text), (useH ? h * 3600 : 0) + (useM ? m * 60 : 0) + (useS ? s : 0));
        })));

    private static readonly Gen<ProjectModel> Project = Gen.Select(Label, Optional(Text), Optional(Text), Text.List[1, 4],
        Optional(Label), Gen.Frequency((1, Gen.Const((bool?)null)), (2, Gen.Bool.Select(b => (bool?)b))), Optional(Label),
        (name, repository, gitRef, paths, ns, prune, serviceAccount) => new ProjectModel(name, repository, gitRef, paths, ns, prune, serviceAccount));

    /// <summary>A valid configuration file and what it says.</summary>
    public static readonly Gen<ValidConfig> Valid = Gen.Select(
        Optional(Text.List[0, 3]), Optional(Kind.List[0, 4]), Gen.Frequency((1, Gen.Const(((string, int)?)null)), (2, Interval.Select(i => ((string, int)?)i))),
        Optional(Project.List[0, 3]), Gen.Bool, Gen.Int[0, 5],
        (includes, kinds, interval, projects, flow, order) => new ValidConfig(includes, kinds, interval, projects, flow, order));

    private static readonly Gen<string> Token = Gen.OneOf(":", ": ", "- ", "-", "[", "]", "{", "}", ",", "&a ", "*a", "*b", "<<: *a\n",
        "!!str ", "!!map ", "!!binary ", "!<tag:x> ", "!x!", "|", ">-", "|+", "\t", "'", "\"", "\\", "\n", "\r\n", "\r", "#", "? ",
        "%YAML 1.1\n", "%TAG ! tag:x,2000:\n", "---\n", "...\n", "\u0000", "\uFEFF", "\u0085", "\u2028", "\ud800",
        "99999999999999h", "1h99999999999m", "2147483647h", "-1", "\"\\uZZZZ\"", "\"\\x41\"", "   ", "\n  ", "\n    - ",
        "include", "cache", "kinds", "gitops", "projects", "paths", "prune: maybe", "reapplyInterval: ", "name: ");

    private static readonly Gen<Func<string, string>> Mutation = Gen.Frequency(
        (4, Gen.Select(Gen.Double[0, 1], Token, (at, token) => (Func<string, string>)(t => t.Insert(Index(t, at), token)))),
        (2, Gen.Select(Gen.Double[0, 1], Gen.Int[1, 20], (at, length) => (Func<string, string>)(t =>
        {
            var start = Index(t, at);
            return t.Remove(start, Math.Min(length, t.Length - start));
        }))),
        (1, Gen.Select(Gen.Double[0, 1], Gen.Int[1, 40], (at, length) => (Func<string, string>)(t =>
        {
            var start = Index(t, at);
            return t.Insert(start, t.Substring(start, Math.Min(length, t.Length - start)));
        }))),
        (1, Gen.Select(Gen.Double[0, 1], Gen.Int[-4, 4], (at, shift) => (Func<string, string>)(t =>
        {
            var lines = t.Split('\n');
            var line = (int)(at * (lines.Length - 1));
            lines[line] = shift >= 0 ? new string(' ', shift) + lines[line] : lines[line].TrimStart();
            return string.Join('\n', lines);
        }))));

    /// <summary>Text a hostile or careless commit could hold: valid files with mutations, nesting, and noise.</summary>
    public static readonly Gen<string> Hostile = Gen.Frequency(
        (6, Gen.Select(Valid, Mutation.Array[1, 6], (config, mutations) => mutations.Aggregate(config.Render(), (text, m) => m(text)))),
        (1, Gen.Select(Gen.OneOf("[", "{a: ", "- ", "a:\n  ", "&x [*x, "), Gen.Int[1, 3_000], (open, depth) => string.Concat(Enumerable.Repeat(open, depth)))),
        (1, Gen.String[0, 200]),
        (1, Token.Array[0, 40].Select(tokens => string.Concat(tokens))));

    /// <summary>
    /// The number of lines of <paramref name="text"/> as YAML counts them: line breaks are CR LF, CR, LF and, in
    /// YAML 1.1, NEL, LS and PS.
    /// </summary>
    public static int LineCount(string text)
    {
        var lines = 1;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\r' when i + 1 < text.Length && text[i + 1] == '\n':
                    break;
                case '\r' or '\n' or '\u0085' or '\u2028' or '\u2029':
                    lines++;
                    break;
            }
        }

        return lines;
    }

    /// <summary>A double-quoted YAML scalar: JSON's string escapes are a subset of YAML's.</summary>
    public static string Quoted(string value) => JsonSerializer.Serialize(value);

    private static int Index(string text, double at) => (int)(at * text.Length);

    private static Gen<T?> Optional<T>(Gen<T> gen) where T : class =>
        Gen.Frequency((1, Gen.Const((T?)null)), (2, gen.Select(value => (T?)value)));
}

/// <summary>A generated valid configuration: what it sets (null: left out) and how it is written.</summary>
internal sealed record ValidConfig(List<string>? Includes, List<string>? Kinds, (string Yaml, int Seconds)? Interval,
    List<ProjectModel>? Projects, bool FlowLists, int KeyOrder)
{
    /// <summary>The file's text: block mappings, lists in block or flow style, top-level keys in a generated order, comments.</summary>
    public string Render()
    {
        var sections = new List<string>();
        if (Includes is not null)
        {
            sections.Add("include:" + List(Includes, "  "));
        }

        if (Kinds is not null)
        {
            sections.Add("cache:\n  kinds:" + List(Kinds, "    ") + "  # informers");
        }

        if (Interval is not null || Projects is not null)
        {
            var gitops = new StringBuilder("gitops:");
            if (Interval is { } interval)
            {
                gitops.Append("\n  reapplyInterval: ").Append(interval.Yaml);
            }

            if (Projects is not null)
            {
                gitops.Append("\n  projects:").Append(Projects.Count == 0 ? " []" : "");
                foreach (var project in Projects)
                {
                    gitops.Append("\n    - name: ").Append(AgentConfigYaml.Quoted(project.Name));
                    Field(gitops, "repository", project.Repository);
                    Field(gitops, "ref", project.Ref);
                    gitops.Append("\n      paths:").Append(List(project.Paths, "        "));
                    Field(gitops, "namespace", project.Namespace);
                    if (project.Prune is { } prune)
                    {
                        gitops.Append("\n      prune: ").Append(prune ? "true" : "false");
                    }

                    Field(gitops, "serviceAccount", project.ServiceAccount);
                }
            }

            sections.Add(gitops.ToString());
        }

        var rotated = sections.Skip(KeyOrder % Math.Max(1, sections.Count)).Concat(sections.Take(KeyOrder % Math.Max(1, sections.Count)));
        return "# agent configuration\n" + string.Join("\n\n", rotated) + "\n";
    }

    /// <summary>What parsing must give, in a form that compares by value.</summary>
    public string Expected() => JsonSerializer.Serialize(new
    {
        Includes = Includes ?? [],
        Kinds,
        Seconds = Interval?.Seconds,
        Projects = (Projects ?? []).Select(Describe),
    });

    /// <summary>The same form for a parsed model.</summary>
    public static string Describe(ConfigFileModel model) => JsonSerializer.Serialize(new
    {
        Includes = model.Includes.Select(i => i.Path).ToList(),
        Kinds = model.CachedKinds,
        Seconds = model.ReapplyIntervalSeconds,
        Projects = model.Projects.Select(Describe),
    });

    private static object Describe(ProjectModel p) => new { p.Name, p.Repository, p.Ref, p.Paths, p.Namespace, p.Prune, p.ServiceAccount };

    private string List(List<string> items, string indent) => FlowLists || items.Count == 0
        ? " [" + string.Join(", ", items.Select(AgentConfigYaml.Quoted)) + "]"
        : string.Concat(items.Select(item => "\n" + indent + "- " + AgentConfigYaml.Quoted(item)));

    private static void Field(StringBuilder yaml, string key, string? value)
    {
        if (value is not null)
        {
            yaml.Append("\n      ").Append(key).Append(": ").Append(AgentConfigYaml.Quoted(value));
        }
    }
}
