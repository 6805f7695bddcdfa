namespace Plural.Gateway.Orleans;

/// <summary>Where silos and gateways find each other (Orleans membership). Key <c>Orleans:ClusteringProvider</c>.</summary>
public enum ClusteringProvider
{
    /// <summary>One silo on this machine at fixed ports; development and single-process use only.</summary>
    Localhost,

    /// <summary>The Orleans ADO.NET membership table in PostgreSQL (<c>ConnectionStrings:Postgres</c>).</summary>
    Postgres,

    /// <summary>The Orleans Redis membership table (<c>ConnectionStrings:Redis</c>).</summary>
    Redis,
}
