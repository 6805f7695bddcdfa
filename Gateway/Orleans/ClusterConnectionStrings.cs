using Microsoft.Extensions.Options;

namespace Plural.Gateway.Orleans;

/// <summary>
/// The connection strings of the cluster's external stores, read from the standard <c>ConnectionStrings</c>
/// section so that a Kubernetes secret can supply them as <c>ConnectionStrings__Postgres</c>.
/// </summary>
public static class ClusterConnectionStrings
{
    /// <summary>Name of the PostgreSQL connection string (<c>ConnectionStrings:Postgres</c>).</summary>
    public const string Postgres = "Postgres";

    /// <summary>Name of the Redis connection string (<c>ConnectionStrings:Redis</c>).</summary>
    public const string Redis = "Redis";

    /// <summary>ADO.NET invariant name of the PostgreSQL provider, as Orleans expects it.</summary>
    public const string PostgresInvariant = "Npgsql";

    /// <summary>The named connection string, or a start-up error naming both the missing key and the setting that needs it.</summary>
    public static string Require(IConfiguration configuration, string name, string neededBy)
    {
        var value = configuration.GetConnectionString(name);
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new OptionsValidationException(name, typeof(ClusterConnectionStrings),
                [$"{neededBy} needs the connection string ConnectionStrings:{name} (environment: ConnectionStrings__{name}), which is not set."]);
        }

        return value;
    }
}
