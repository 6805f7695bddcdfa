namespace Plural.Gateway.Tunnels;

/// <summary>Copies two byte streams into each other until either side ends; then both are done.</summary>
internal static class DuplexCopy
{
    public static async Task RunAsync(Stream left, Stream right, CancellationToken ct)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var leftToRight = CopyAsync(left, right, both);
        var rightToLeft = CopyAsync(right, left, both);
        await Task.WhenAny(leftToRight, rightToLeft);
        // One direction ended: the upgraded session is over (a half-open upgraded connection serves nobody).
        await both.CancelAsync();
        await Task.WhenAll(Quietly(leftToRight), Quietly(rightToLeft));
    }

    private static async Task CopyAsync(Stream from, Stream to, CancellationTokenSource both)
    {
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await from.ReadAsync(buffer, both.Token)) > 0)
        {
            await to.WriteAsync(buffer.AsMemory(0, read), both.Token);
            await to.FlushAsync(both.Token);
        }
    }

    private static async Task Quietly(Task copy)
    {
        try
        {
            await copy;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // A broken or cancelled direction is how an upgraded connection normally ends.
        }
    }
}
