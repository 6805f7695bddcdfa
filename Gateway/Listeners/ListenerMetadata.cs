namespace Plural.Gateway.Listeners;

/// <summary>Endpoint metadata naming the listener an endpoint belongs to.</summary>
internal sealed record ListenerMetadata(ListenerKind Kind);
