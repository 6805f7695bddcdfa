using Microsoft.Extensions.Options;
using Plural.Gateway.Hosting;
using Plural.Gateway.Orleans;
using Plural.Protocol.Hosting;

if (GatewayCommandLine.Instance.Handle(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

try
{
    // A gateway on its own: an Orleans client of an external silo cluster. Settings ship next to the program.
    var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.AddPluralOrleansClient();
    builder.AddPluralGateway();

    await using var app = builder.Build();
    // Validated here rather than inside the start, which would log the failure with its stack trace first.
    app.Services.GetService<IStartupValidator>()?.Validate();
    app.MapPluralGateway();
    await app.RunAsync();
    return 0;
}
catch (Exception exception) when (ConfigurationErrors.TryReport(exception, Console.Error))
{
    return HostCommandLine.UsageError;
}
