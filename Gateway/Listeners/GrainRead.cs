namespace Plural.Gateway.Listeners;

/// <summary>
/// A fact read through <see cref="GrainReadCache{TValue}"/>, and when it is not live, the time it was read: its grain
/// failed or hung and the last fact known was served instead.
/// </summary>
internal readonly record struct GrainRead<TValue>(TValue Value, DateTimeOffset? StaleAsOf);
