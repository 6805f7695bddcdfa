namespace Plural.AgentK.Local;

/// <summary>The answer to an <see cref="AgentRequest"/>; sent back through the tunnel like an upstream response.</summary>
/// <param name="Status">HTTP status code.</param>
/// <param name="ContentType">Media type of <paramref name="Body"/>, e.g. <c>application/json</c>.</param>
/// <param name="Body">The response body.</param>
internal sealed record AgentResponse(int Status, string ContentType, ReadOnlyMemory<byte> Body);
