namespace Plural.Grains.GitOps;

/// <summary>Where agent configuration lives in a repository, and how include paths resolve.</summary>
public static class AgentConfigPaths
{
    /// <summary><c>.plural/agents/&lt;name&gt;/config.yaml</c>.</summary>
    public static string ConfigFile(string agentName) => $".plural/agents/{agentName}/config.yaml";

    /// <summary>
    /// Resolves an include written in <paramref name="fromFile"/>: relative to that file's folder, or to the repository
    /// root when it starts with <c>/</c>. Null when it would leave the repository.
    /// </summary>
    public static string? ResolveInclude(string fromFile, string include)
    {
        var segments = new List<string>();
        if (!include.StartsWith('/'))
        {
            segments.AddRange(fromFile.Split('/')[..^1]);
        }

        foreach (var part in include.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (segments.Count == 0)
                {
                    return null;
                }

                segments.RemoveAt(segments.Count - 1);
            }
            else if (part != ".")
            {
                segments.Add(part);
            }
        }

        return segments.Count == 0 ? null : string.Join('/', segments);
    }
}
