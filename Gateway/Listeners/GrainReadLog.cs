namespace Plural.Gateway.Listeners;

/// <summary>Log messages of <see cref="GrainReadCache{TValue}"/>, outside it because it is generic.</summary>
internal static partial class GrainReadLog
{
    [LoggerMessage(EventId = 3502, Level = LogLevel.Warning,
        Message = "Reading {What} {Key} failed ({ErrorType}); serving what was read {AgeSeconds:0.0} s ago")]
    public static partial void ServingStale(ILogger logger, string what, string key, string errorType, double ageSeconds);

    [LoggerMessage(EventId = 3503, Level = LogLevel.Information, Message = "Reading {What} {Key} failed ({ErrorType}); trying once more")]
    public static partial void Retrying(ILogger logger, string what, string key, string errorType);
}
