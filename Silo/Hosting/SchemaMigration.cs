namespace Plural.Silo.Hosting;

/// <summary>What one migration did.</summary>
/// <param name="Applied">Scripts run now, in order.</param>
/// <param name="Adopted">Scripts whose tables were already there and that were recorded without running.</param>
/// <param name="Changed">Applied scripts whose text differs from the embedded one (released scripts must never change).</param>
/// <param name="Version">The schema version the database is at afterwards.</param>
public sealed record SchemaMigration(IReadOnlyList<SchemaScript> Applied, IReadOnlyList<SchemaScript> Adopted, IReadOnlyList<SchemaScript> Changed, int Version);
