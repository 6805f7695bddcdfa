namespace Plural.AgentK.Local;

/// <summary>A request addressed to the agent itself.</summary>
/// <param name="Method">HTTP method, e.g. <c>POST</c>.</param>
/// <param name="Path">Path starting with '/', e.g. <c>/cache/query</c>.</param>
/// <param name="Query">Raw query string without the leading '?'.</param>
/// <param name="Body">The request body, read in full (at most <see cref="MaxBodyBytes"/>).</param>
internal sealed record AgentRequest(string Method, string Path, string Query, ReadOnlyMemory<byte> Body)
{
    /// <summary>Largest request body the agent reads for a local request.</summary>
    public const int MaxBodyBytes = 1024 * 1024;
}
