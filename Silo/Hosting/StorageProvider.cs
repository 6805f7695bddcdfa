namespace Plural.Silo.Hosting;

/// <summary>Where grain state and reminders are kept. Keys <c>Orleans:StorageProvider</c> and <c>Orleans:ReminderProvider</c>.</summary>
public enum StorageProvider
{
    /// <summary>In the silo's memory: lost when the silo stops. Development only.</summary>
    Memory,

    /// <summary>Orleans ADO.NET tables in PostgreSQL (<c>ConnectionStrings:Postgres</c>).</summary>
    Postgres,

    /// <summary>Redis (<c>ConnectionStrings:Redis</c>).</summary>
    Redis,
}
