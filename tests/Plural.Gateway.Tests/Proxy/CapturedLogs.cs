using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Plural.Gateway.Tests.Proxy;

/// <summary>Keeps every log entry with its event id and structured values.</summary>
internal sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<Entry> _entries = new();

    public IReadOnlyList<Entry> WithEventId(int id) => [.. _entries.Where(e => e.EventId == id)];

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    public sealed record Entry(int EventId, IReadOnlyDictionary<string, object?> Values)
    {
        public object? this[string name] => Values[name];
    }

    private sealed class Logger(CapturedLogs owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state as IEnumerable<KeyValuePair<string, object?>> ?? [];
            owner._entries.Enqueue(new Entry(eventId.Id, values.ToDictionary(v => v.Key, v => v.Value)));
        }
    }
}
