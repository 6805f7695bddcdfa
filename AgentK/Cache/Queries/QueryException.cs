namespace Plural.AgentK.Cache.Queries;

/// <summary>A cached query the agent cannot answer; <see cref="Status"/> is the HTTP status of the answer.</summary>
internal sealed class QueryException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    public static QueryException BadRequest(string message) => new(400, message);
}
