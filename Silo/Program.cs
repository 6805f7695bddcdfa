using Microsoft.Extensions.Options;
using Plural.Protocol.Hosting;
#if PLURAL_DEV_MODE
using Plural.Silo.Dev;
#endif
using Plural.Silo.Hosting;

if (SiloCommandLine.Instance.Handle(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

try
{
    switch (args.FirstOrDefault())
    {
        case SiloCommandLine.Dev:
#if PLURAL_DEV_MODE
            return await DevEnvironment.RunAsync(args);
#else
            await Console.Error.WriteLineAsync("error: dev: this build leaves the dev all-in-one out (the production image); run it from the repository with 'dotnet run --project Silo -- dev'");
            return HostCommandLine.UsageError;
#endif
        case SiloCommandLine.Migrate:
            return await SchemaMigrationCommand.RunAsync(args[1..]);
    }

    // Settings ship next to the program; relative paths in options stay relative to the working directory.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddPluralSilo();
    await using var app = builder.Build();
    // Validated here rather than inside the start, which would log the failure with its stack trace first.
    app.Services.GetService<IStartupValidator>()?.Validate();
    app.MapPluralSilo();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (ConfigurationErrors.TryReport(exception, Console.Error))
{
    return HostCommandLine.UsageError;
}
catch (Exception exception) when (StoreStartFailure.TryReport(exception, Console.Error))
{
    return 1;
}
catch (SchemaTooNewException exception)
{
    // Orleans:MigrateOnStart met a database a newer release migrated: joining it could corrupt what that release wrote.
    await Console.Error.WriteLineAsync($"error: {exception.Message}");
    return 1;
}
