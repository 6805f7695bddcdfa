namespace Plural.Silo.Hosting;

/// <summary>One embedded schema script and the version it brings the database to.</summary>
/// <param name="Version">Its place in the order; recorded in <c>plural_schema_version</c> once applied.</param>
/// <param name="Script">Resource name under <c>Sql/</c>.</param>
/// <param name="Table">
/// The table it creates. A database set up before versions were recorded (by hand with <c>psql -f</c>, or by an
/// older silo) already has it: the script is then recorded as adopted, never run twice.
/// </param>
public sealed record SchemaScript(int Version, string Script, string Table);
