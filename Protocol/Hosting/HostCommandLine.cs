namespace Plural.Protocol.Hosting;

/// <summary>
/// The edge of each program's command line, read before a host is built: <c>--help</c>, <c>--version</c>, and the
/// rejection of anything that is neither a known subcommand nor configuration. Configuration arguments keep the forms
/// the .NET command-line configuration provider reads (<c>--Key=value</c>, <c>--Key value</c>, <c>/Key value</c>,
/// <c>Key=value</c>); that provider silently drops anything else, which is how a mistyped <c>mgirate</c> used to start a silo.
/// </summary>
public sealed class HostCommandLine
{
    /// <summary>The exit code of a command line or a configuration the program refuses.</summary>
    public const int UsageError = 2;

    private readonly string _program;
    private readonly IReadOnlyCollection<string> _subcommands;
    private readonly string _usage;

    /// <param name="program">The program's name in messages, for example <c>Plural.Gateway</c>.</param>
    /// <param name="subcommands">Words accepted as the first argument; empty for a program without subcommands.</param>
    /// <param name="usage">The text <c>--help</c> prints.</param>
    public HostCommandLine(string program, IReadOnlyCollection<string> subcommands, string usage)
    {
        _program = program;
        _subcommands = subcommands;
        _usage = usage;
    }

    /// <summary>
    /// Answers <c>--help</c> and <c>--version</c> and reports an argument the program does not take, on
    /// <paramref name="stdout"/> and <paramref name="stderr"/>. Returns the exit code when the program should stop
    /// there, null when it should run.
    /// </summary>
    public int? Handle(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        var start = args.Count > 0 && _subcommands.Contains(args[0]) ? 1 : 0;
        for (var i = start; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--help" or "-h" or "-?":
                    stdout.Write(_usage);
                    return 0;
                case "--version":
                    stdout.WriteLine(BuildVersion.Current);
                    return 0;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2 || arg.StartsWith('/') && arg.Length > 1)
            {
                if (!arg.Contains('=', StringComparison.Ordinal) && ++i >= args.Count)
                {
                    return Refuse(stderr, $"option \"{arg}\" needs a value (--Key=value or --Key value)");
                }
            }
            else if (arg.StartsWith('-') || !arg.Contains('=', StringComparison.Ordinal))
            {
                return Refuse(stderr, i == 0 && !arg.StartsWith('-') ? $"unknown command \"{arg}\"" : $"unknown argument \"{arg}\"");
            }
        }

        return null;
    }

    private int Refuse(TextWriter stderr, string message)
    {
        stderr.WriteLine($"error: {message}");
        stderr.WriteLine($"Run '{_program} --help' for usage.");
        return UsageError;
    }
}
