namespace Plural.Bench.Platform;

/// <summary>The upstream's answer to an upload: how many bytes arrived.</summary>
/// <param name="Bytes">Body bytes read.</param>
public sealed record UploadReceipt(long Bytes);
