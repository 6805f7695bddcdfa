using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Plural.Protocol.Hosting;

/// <summary>
/// Turns the exceptions a host throws at start for bad configuration into <c>error: &lt;key&gt;: &lt;what is wrong&gt;</c>
/// lines: options that fail validation (one <see cref="OptionsValidationException"/>, or an <see cref="AggregateException"/>
/// holding one per options class), a value that does not convert to its option's type, and a file that is not there.
/// Anything else is a bug and keeps its stack trace.
/// </summary>
public static partial class ConfigurationErrors
{
    /// <summary>Writes the lines for <paramref name="exception"/> and returns true when it is bad configuration.</summary>
    public static bool TryReport(Exception exception, TextWriter stderr)
    {
        var lines = Describe(exception);
        if (lines is null)
        {
            return false;
        }

        foreach (var line in lines.Distinct())
        {
            stderr.WriteLine($"error: {line}");
        }

        return true;
    }

    /// <summary>The <c>key: what is wrong</c> texts of <paramref name="exception"/>; null when it is not bad configuration.</summary>
    public static IReadOnlyList<string>? Describe(Exception exception)
    {
        switch (exception)
        {
            case AggregateException aggregate:
                var all = new List<string>();
                foreach (var inner in aggregate.Flatten().InnerExceptions)
                {
                    if (Describe(inner) is not { } lines)
                    {
                        return null;
                    }

                    all.AddRange(lines);
                }

                return all;
            case OptionsValidationException validation:
                var section = SectionOf(validation.OptionsType);
                return validation.Failures.Select(f => Keyed(f.Trim(), section)).ToList();
            case InvalidOperationException when ConversionFailure().Match(exception.Message) is { Success: true } conversion:
                return [$"{conversion.Groups["key"].Value}: '{conversion.Groups["value"].Value}' is not a valid {FriendlyType(conversion.Groups["type"].Value)}"];
            case FileNotFoundException or DirectoryNotFoundException:
                return [exception.Message];
            default:
                return null;
        }
    }

    /// <summary>Puts the configuration key a failure names first; a failure naming none gets its options' section.</summary>
    private static string Keyed(string failure, string? section)
    {
        if (DataAnnotationFailure().Match(failure) is { Success: true } annotation)
        {
            var member = annotation.Groups["member"].Value.Replace('.', ':');
            var key = section is null ? member : $"{section}:{member}";
            return $"{key}: {annotation.Groups["error"].Value.TrimEnd('.')}";
        }

        if (LeadingKey().Match(failure) is { Success: true } leading)
        {
            return $"{leading.Groups["key"].Value}: {leading.Groups["rest"].Value.TrimEnd('.')}";
        }

        if (AnyKey().Match(failure) is { Success: true } named)
        {
            return $"{named.Value}: {failure.TrimEnd('.')}";
        }

        return section is null ? failure.TrimEnd('.') : $"{section}: {failure.TrimEnd('.')}";
    }

    /// <summary>The <c>Section</c> or <c>SectionName</c> constant of an options class: where it is bound from.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2070", Justification = "Only names the section in a message: where trimming removed the constant, the message names the key alone.")]
    private static string? SectionOf(Type? optionsType)
    {
        foreach (var name in new[] { "Section", "SectionName" })
        {
            if (optionsType?.GetField(name, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static) is { IsLiteral: true } field
                && field.GetRawConstantValue() is string section)
            {
                return section;
            }
        }

        return null;
    }

    private static string FriendlyType(string type) => type switch
    {
        "System.TimeSpan" => "duration (hh:mm:ss)",
        "System.Int32" or "System.Int64" => "whole number",
        "System.Boolean" => "boolean (true or false)",
        _ => type[(type.LastIndexOf('.') + 1)..],
    };

    [GeneratedRegex(@"^DataAnnotation validation failed for '[^']*' members: '(?<member>[^']*)' with the error: '(?<error>.*)'\.?$", RegexOptions.Singleline)]
    private static partial Regex DataAnnotationFailure();

    [GeneratedRegex(@"^(?<key>[A-Z][A-Za-z0-9]*(:[A-Za-z0-9]+)+)(:\s+|\s+(?=[a-z']))(?<rest>.+)$", RegexOptions.Singleline)]
    private static partial Regex LeadingKey();

    [GeneratedRegex(@"\b(Gateway|Agent|Orleans|GitOps|Git|ConnectionStrings)(:[A-Za-z0-9]+)+")]
    private static partial Regex AnyKey();

    [GeneratedRegex(@"value '(?<value>[^']*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'", RegexOptions.Singleline)]
    private static partial Regex ConversionFailure();
}
