using System.CommandLine;
using Plural.Cli.Commands;

namespace Plural.Cli;

/// <summary>The <c>plural</c> command line: parses, reports usage errors as <c>error:</c> lines with exit code 2, runs.</summary>
public static class PluralCommand
{
    /// <summary>Runs one command line; returns the exit code.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Operate the Plural agent platform through the gateway's ServerApi.")
        {
            LoginCommand.Create(),
            AgentsCommand.Create(),
            InstallCommand.Create(),
            TokensCommand.Create(),
            AuditCommand.Create(),
            QueryCommand.Create(),
            EventsCommand.Create(),
            KubeconfigCommand.Create(),
            AccessCommand.Create(),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync("error: " + problem.Message);
            }

            await error.WriteLineAsync("Run 'plural --help' for usage.");
            return ExitCodes.Usage;
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
