using Plural.Bench.GitPolling;

namespace Plural.Bench.GitOpsLatency;

/// <summary>
/// The one repository of the scenario: an agent's configuration with one sync target (<c>deploy/</c>, namespace
/// <c>default</c>) holding a probe ConfigMap whose <c>data.generation</c> each commit changes, as a bare repository the
/// Git server serves and a working clone the bench commits and pushes from.
/// </summary>
public sealed class ManifestRepository
{
    /// <summary>The probe ConfigMap's name.</summary>
    public const string Probe = "gitops-probe";

    private readonly string _clone;

    private ManifestRepository(string clone) => _clone = clone;

    /// <summary>Creates <c>{name}.git</c> under <paramref name="root"/> with generation 0 for <paramref name="agent"/>.</summary>
    public static ManifestRepository Create(string scratch, string root, string name, string agent)
    {
        var clone = Directory.CreateDirectory(Path.Combine(scratch, "work", name)).FullName;
        GitCommand.Run(clone, "init", "--quiet", "-b", "main");
        var config = Directory.CreateDirectory(Path.Combine(clone, ".plural", "agents", agent)).FullName;
        File.WriteAllText(Path.Combine(config, "config.yaml"),
            "cache:\n  kinds: [namespaces]\ngitops:\n  projects:\n    - name: latency\n      paths: [deploy]\n      namespace: default\n      prune: true\n");
        var repository = new ManifestRepository(clone);
        repository.WriteProbe(0);
        GitCommand.Run(clone, "add", "-A");
        GitCommand.Commit(clone, "generation 0");
        GitCommand.Run(clone, "clone", "--quiet", "--bare", clone, Path.Combine(root, $"{name}.git"));
        GitCommand.Run(clone, "remote", "add", "origin", Path.Combine(root, $"{name}.git"));
        return repository;
    }

    /// <summary>Commits and pushes the probe at <paramref name="generation"/>; returns the commit.</summary>
    public string Push(int generation)
    {
        WriteProbe(generation);
        GitCommand.Run(_clone, "add", "-A");
        GitCommand.Commit(_clone, $"generation {generation}");
        GitCommand.Run(_clone, "push", "--quiet", "origin", "main");
        return GitCommand.Run(_clone, "rev-parse", "HEAD").Trim();
    }

    private void WriteProbe(int generation)
    {
        var deploy = Directory.CreateDirectory(Path.Combine(_clone, "deploy")).FullName;
        File.WriteAllText(Path.Combine(deploy, "probe.yaml"),
            $"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {Probe}\ndata:\n  generation: \"{generation}\"\n");
    }
}
