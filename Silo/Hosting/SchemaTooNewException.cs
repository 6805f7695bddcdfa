namespace Plural.Silo.Hosting;

/// <summary>The database records a schema version this silo does not know: a newer release migrated it.</summary>
public sealed class SchemaTooNewException(int databaseVersion, int knownVersion)
    : Exception($"the database schema is at version {databaseVersion}, newer than this release knows ({knownVersion}); run the newer release, or restore the backup taken before its upgrade")
{
    /// <summary>The highest version recorded in the database.</summary>
    public int DatabaseVersion { get; } = databaseVersion;

    /// <summary>The highest version this silo ships.</summary>
    public int KnownVersion { get; } = knownVersion;
}
