using Plural.Cli;

return await PluralCommand.RunAsync(args, Console.Out, Console.Error);
