namespace Plural.Gateway.Listeners;

/// <summary>Endpoint metadata naming the listener an endpoint belongs to.</summary>
public sealed record ListenerMetadata(ListenerKind Kind);
