namespace Plural.Gateway.Listeners;

/// <summary>Who this gateway is, as recorded in leases.</summary>
internal sealed record GatewayIdentity(string Id, string PrivateAddress)
{
    internal static GatewayIdentity From(GatewayOptions options) => new(
        string.IsNullOrWhiteSpace(options.Id)
            ? $"{Environment.MachineName.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..6]}"
            : options.Id,
        string.IsNullOrWhiteSpace(options.PrivateAddress) ? options.HttpListenUrl : options.PrivateAddress);
}
