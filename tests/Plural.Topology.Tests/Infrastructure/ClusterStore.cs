namespace Plural.Topology.Tests.Infrastructure;

/// <summary>The external store a topology runs on, as the silo and gateway settings name it.</summary>
internal sealed record ClusterStore(string Provider, string ConnectionString)
{
    public IEnumerable<string> Arguments(bool silo)
    {
        yield return $"--Orleans:ClusteringProvider={Provider}";
        yield return $"--ConnectionStrings:{Provider}={ConnectionString}";
        if (silo)
        {
            yield return $"--Orleans:StorageProvider={Provider}";
            yield return $"--Orleans:ReminderProvider={Provider}";
            if (Provider == "Postgres")
            {
                yield return "--Orleans:MigrateOnStart=true";
            }
        }
    }
}
