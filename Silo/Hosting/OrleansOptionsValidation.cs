using Microsoft.Extensions.Options;
using Plural.Gateway.Orleans;

namespace Plural.Silo.Hosting;

/// <summary>Checks that go beyond single keys: combinations and the connection strings a choice needs.</summary>
internal static class OrleansOptionsValidation
{
    /// <summary>Throws a clear start-up error for a combination that cannot work.</summary>
    public static void ThrowIfInvalid(OrleansOptions options, IConfiguration configuration)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.ClusteringProvider))
        {
            errors.Add($"Orleans:ClusteringProvider '{options.ClusteringProvider}' is not one of Localhost, Postgres, Redis.");
        }

        if (!Enum.IsDefined(options.StorageProvider))
        {
            errors.Add($"Orleans:StorageProvider '{options.StorageProvider}' is not one of Memory, Postgres, Redis.");
        }

        if (!Enum.IsDefined(options.ReminderProvider))
        {
            errors.Add($"Orleans:ReminderProvider '{options.ReminderProvider}' is not one of Memory, Postgres, Redis.");
        }

        if (options.ProbeTimeout <= TimeSpan.Zero)
        {
            errors.Add("Orleans:ProbeTimeout must be positive.");
        }

        if (options.AdvertisedAddress is { Length: > 0 } address && !System.Net.IPAddress.TryParse(address, out _))
        {
            errors.Add($"Orleans:AdvertisedAddress '{address}' is not an IP address.");
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(OrleansOptions.Section, typeof(OrleansOptions), errors);
        }

        // Connection strings are checked here too, so that a missing secret fails at start with its key in the message.
        if (options.ClusteringProvider == ClusteringProvider.Postgres || options.StorageProvider == StorageProvider.Postgres || options.ReminderProvider == StorageProvider.Postgres)
        {
            ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Postgres, "A Postgres provider in the Orleans section");
        }

        if (options.ClusteringProvider == ClusteringProvider.Redis || options.StorageProvider == StorageProvider.Redis || options.ReminderProvider == StorageProvider.Redis)
        {
            ClusterConnectionStrings.Require(configuration, ClusterConnectionStrings.Redis, "A Redis provider in the Orleans section");
        }
    }

    /// <summary>Whether any provider keeps its data in PostgreSQL, so the schema must exist.</summary>
    public static bool UsesPostgres(OrleansOptions options) =>
        options.ClusteringProvider == ClusteringProvider.Postgres || options.StorageProvider == StorageProvider.Postgres || options.ReminderProvider == StorageProvider.Postgres;
}
