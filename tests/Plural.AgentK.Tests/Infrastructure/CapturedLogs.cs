using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plural.AgentK.Tests.Infrastructure;

/// <summary>Keeps the agent's log lines so tests can read what an operator would.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    public ConcurrentQueue<CapturedLog> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public int Count(int eventId) => Entries.Count(e => e.EventId == eventId);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs logs) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            logs.Entries.Enqueue(new CapturedLog(logLevel, eventId.Id, formatter(state, exception)));
    }
}

public sealed record CapturedLog(LogLevel Level, int EventId, string Message);
