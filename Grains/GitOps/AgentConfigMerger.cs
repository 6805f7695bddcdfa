using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Plural.Grains.Git;

namespace Plural.Grains.GitOps;

/// <summary>
/// Merges included files and the agent's own file into one configuration. Files apply in order (includes as listed,
/// the agent's file last); a later file replaces <c>cache.kinds</c> and <c>gitops.reapplyInterval</c> when it sets them,
/// and replaces a project of the same name whole; projects keep the order of their first appearance.
/// </summary>
internal static class AgentConfigMerger
{
    public static AgentConfigSpec Merge(IReadOnlyList<ConfigFileModel> files, AgentConfigSource source, string commit)
    {
        List<string> kinds = [];
        var reapply = 0;
        var projects = new List<ProjectModel>();
        foreach (var file in files)
        {
            kinds = file.CachedKinds ?? kinds;
            reapply = file.ReapplyIntervalSeconds ?? reapply;
            foreach (var project in file.Projects)
            {
                var index = projects.FindIndex(p => p.Name == project.Name);
                if (index >= 0)
                {
                    projects[index] = project;
                }
                else
                {
                    projects.Add(project);
                }
            }
        }

        var resolved = projects.Select(p => Resolve(p, source)).ToList();
        var version = Version(kinds, reapply, resolved);
        return new AgentConfigSpec(version, source.Repository, commit, kinds, reapply, resolved);
    }

    private static ManifestProject Resolve(ProjectModel project, AgentConfigSource source)
    {
        var repository = project.Repository is null ? source.Repository : RepositoryKey.NormalizeUrl(project.Repository);
        var gitRef = RepositoryKey.NormalizeRef(project.Ref ?? (repository == source.Repository ? source.Ref : null));
        // A path without wildcards names a folder (or one file): everything below it is read.
        var paths = project.Paths
            .Select(p => p.Trim())
            .Select(p => (p.StartsWith("./", StringComparison.Ordinal) ? p[2..] : p.TrimStart('/')).TrimEnd('/'))
            .Select(p => p.IndexOfAny(['*', '?']) >= 0 || p.EndsWith(".yaml", StringComparison.Ordinal) || p.EndsWith(".yml", StringComparison.Ordinal)
                ? p
                : p.Length == 0 ? "**" : p + "/**")
            .ToList();
        return new ManifestProject(project.Name, repository, gitRef, paths, project.Namespace ?? "default", project.Prune ?? false,
            project.ServiceAccount ?? "");
    }

    private static string Version(List<string> kinds, int reapply, List<ManifestProject> projects)
    {
        var canonical = JsonSerializer.SerializeToUtf8Bytes(new { kinds, reapply, projects });
        return Convert.ToHexStringLower(SHA256.HashData(canonical))[..16];
    }
}
