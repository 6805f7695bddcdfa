namespace Plural.Gateway.Cable;

/// <summary>The first message of a new subscription, or why it is refused.</summary>
internal sealed record CableSnapshot(byte[]? Payload, string? Refusal)
{
    public static CableSnapshot Of(byte[] payload) => new(payload, null);

    public static CableSnapshot Refused(string reason) => new(null, reason);
}
