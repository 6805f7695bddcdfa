using Google.Protobuf;

namespace Plural.Cli.Output;

/// <summary>API messages as JSON in protobuf's JSON mapping (lowerCamelCase fields, RFC 3339 times), defaults included.</summary>
public static class Json
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true).WithIndentation("  "));

    /// <summary>Writes <paramref name="message"/> and a newline.</summary>
    public static Task WriteAsync(TextWriter output, IMessage message) => output.WriteLineAsync(Formatter.Format(message));
}
