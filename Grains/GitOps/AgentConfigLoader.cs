using Plural.Grains.Git;

namespace Plural.Grains.GitOps;

/// <summary>Reads an agent's configuration file and its includes at a commit, through the source's poller.</summary>
internal static class AgentConfigLoader
{
    // Configuration files are small by nature; these bounds keep a mistake from reading a whole repository.
    private static readonly RepositoryReadLimits ConfigLimits = new(256 * 1024, 1024 * 1024, 32);

    public static async Task<(AgentConfigSpec? Spec, List<ConfigProblem> Problems)> LoadAsync(
        IRepositoryPollerGrain poller, string agentName, AgentConfigSource source, string commit)
    {
        var problems = new List<ConfigProblem>();
        var path = AgentConfigPaths.ConfigFile(agentName);
        var main = await poller.ReadFiles(commit, [path], ConfigLimits);
        if (main.Files.Count == 0)
        {
            problems.Add(new ConfigProblem(path, 0, main.Errors.FirstOrDefault() ?? $"not found at commit {commit[..Math.Min(12, commit.Length)]}"));
            return (null, problems);
        }

        var own = AgentConfigParser.Parse(path, main.Files[0].Content, problems);
        var files = new List<ConfigFileModel>();
        var includes = own.Includes
            .Select(i => (i.Path, i.Line, Resolved: AgentConfigPaths.ResolveInclude(path, i.Path)))
            .ToList();
        foreach (var bad in includes.Where(i => i.Resolved is null))
        {
            problems.Add(new ConfigProblem(path, bad.Line, $"include '{bad.Path}' leaves the repository"));
        }

        var wanted = includes.Where(i => i.Resolved is not null).Select(i => i.Resolved!).Distinct().ToList();
        if (wanted.Count > 0)
        {
            var read = await poller.ReadFiles(commit, wanted, ConfigLimits);
            foreach (var include in includes.Where(i => i.Resolved is not null))
            {
                var file = read.Files.FirstOrDefault(f => f.Path == include.Resolved);
                if (file is null)
                {
                    problems.Add(new ConfigProblem(path, include.Line, $"include '{include.Path}' ({include.Resolved}) does not exist"));
                    continue;
                }

                var model = AgentConfigParser.Parse(file.Path, file.Content, problems);
                if (model.Includes.Count > 0)
                {
                    problems.Add(new ConfigProblem(file.Path, model.Includes[0].Line, "an included file cannot include others"));
                }

                files.Add(model);
            }
        }

        files.Add(own);
        if (problems.Count > 0)
        {
            return (null, problems);
        }

        try
        {
            return (AgentConfigMerger.Merge(files, source, commit), problems);
        }
        catch (ArgumentException ex)
        {
            problems.Add(new ConfigProblem(path, 0, ex.Message));
            return (null, problems);
        }
    }
}
