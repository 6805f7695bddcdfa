namespace Plural.Gateway.Proxy;

/// <summary>
/// An upgraded connection, passed through unchanged, whose reads count on the request body's
/// <see cref="ObservedStream"/> and whose writes count on the response body's.
/// </summary>
internal sealed class UpgradedStream(Stream inner, ObservedStream reads, ObservedStream writes) : CountingPassThroughStream(inner)
{
    protected override void BytesRead(int count) => reads.Moved(count);

    protected override void BytesWritten(int count) => writes.Moved(count);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override ValueTask DisposeAsync() => Inner.DisposeAsync();
}
