using System.Reflection;

namespace Plural.Protocol.Hosting;

/// <summary>
/// The one version of every program built from this repository: <c>&lt;Version&gt;</c> of <c>Directory.Build.props</c>
/// and, when the build ran in a Git checkout, <c>+</c> the first 12 digits of the commit (the SDK's SourceLink support
/// appends the commit to the informational version). The agent sends it in its hello.
/// </summary>
public static class BuildVersion
{
    private const int CommitDigits = 12;

    /// <summary>For example <c>0.1.0+5570522e6b00</c>, or <c>0.1.0</c> when built outside Git.</summary>
    public static string Current { get; } = Read();

    private static string Read()
    {
        var assembly = typeof(BuildVersion).Assembly;
        var informational = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString(3)
            ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 && informational.Length - plus - 1 > CommitDigits
            ? informational[..(plus + 1 + CommitDigits)]
            : informational;
    }
}
