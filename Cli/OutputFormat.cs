namespace Plural.Cli;

/// <summary>How results are printed (<c>-o</c>).</summary>
public enum OutputFormat
{
    /// <summary>Aligned columns for people.</summary>
    Table,

    /// <summary>The API's messages as JSON (protobuf's JSON mapping), for scripts.</summary>
    Json,
}
