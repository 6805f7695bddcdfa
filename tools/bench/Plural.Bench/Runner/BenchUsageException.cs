namespace Plural.Bench.Runner;

/// <summary>Bad command-line input: the message says what was wrong and is shown without a stack trace.</summary>
public sealed class BenchUsageException(string message) : Exception(message);
