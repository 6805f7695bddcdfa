namespace Plural.Gateway.Cable;

/// <summary>
/// One outgoing text message. A topic message is shared by every subscriber, so it travels as the subscriber's
/// own prefix (<c>{"identifier":...,"message":</c>) plus the shared payload, joined only when written.
/// </summary>
internal readonly record struct CableFrame(byte[]? Prefix, byte[] Body)
{
    /// <summary>Bytes on the wire.</summary>
    public int Length => Prefix is null ? Body.Length : Prefix.Length + Body.Length + 1;

    /// <summary>A frame that is complete as it is.</summary>
    public static CableFrame Whole(byte[] body) => new(null, body);

    /// <summary>Copies the frame into <paramref name="destination"/>, which holds at least <see cref="Length"/> bytes.</summary>
    public int CopyTo(Span<byte> destination)
    {
        if (Prefix is null)
        {
            Body.CopyTo(destination);
            return Body.Length;
        }

        Prefix.CopyTo(destination);
        Body.CopyTo(destination[Prefix.Length..]);
        destination[Prefix.Length + Body.Length] = (byte)'}';
        return Length;
    }
}
