using System.Diagnostics;
using Plural.Grains.GitOps;

namespace Plural.Silo.Dev;

/// <summary>
/// The dev agent's configuration repository: a plain Git repository in <c>.plural-dev/gitops</c> with a config and a
/// few manifests, polled through its local path. Commit there and the dev agent follows within a poll.
/// </summary>
internal static class DevGitRepository
{
    private static readonly Dictionary<string, string> SampleFiles = new()
    {
        [".plural/agents/_shared/base.yaml"] = """
            # Shared by every agent that includes it; an agent's own config.yaml overrides it.
            gitops:
              reapplyInterval: 5m
            """,
        [AgentConfigPaths.ConfigFile(DevEnvironment.AgentName)] = """
            include: [../_shared/base.yaml]
            cache:
              kinds: [pods, deployments, services, nodes, namespaces, events]
            gitops:
              projects:
                - name: demo
                  paths: [manifests/demo]
                  namespace: demo
                  prune: true
            """,
        ["manifests/demo/namespace.yaml"] = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: demo
            """,
        ["manifests/demo/greeting.yaml"] = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: greeting
            data:
              message: hello from Git
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: farewell
            data:
              message: goodbye from Git
            """,
    };

    /// <summary>Creates the repository on first use and names it as the dev agent's configuration source.</summary>
    public static async Task<string> ConnectAsync(IServiceProvider services, string stateDirectory)
    {
        var path = Path.Combine(stateDirectory, "gitops");
        if (!Directory.Exists(Path.Combine(path, ".git")))
        {
            foreach (var (file, content) in SampleFiles)
            {
                var full = Path.Combine(path, file);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                await File.WriteAllTextAsync(full, content + "\n");
            }

            await GitAsync(path, "init", "--quiet", "-b", "main");
            await GitAsync(path, "add", "-A");
            await GitAsync(path, "-c", "user.name=plural-dev", "-c", "user.email=dev@plural.local", "commit", "--quiet", "-m", "Sample agent configuration and manifests");
        }

        await services.GetRequiredService<IGrainFactory>().GetGrain<IAgentConfigGrain>(DevEnvironment.AgentName)
            .SetSource(new AgentConfigSource(path, "main"));
        return path;
    }

    private static async Task GitAsync(string directory, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("git", args)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("git could not be started");
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {await error}");
        }
    }
}
