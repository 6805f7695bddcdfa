using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.AgentK;
using Plural.Protocol.Hosting;

if (AgentKCommandLine.Instance.Handle(args, Console.Out, Console.Error) is { } exitCode)
{
    return exitCode;
}

try
{
    var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
    builder.Logging.AddSimpleConsole(console =>
    {
        console.SingleLine = true;
        console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
        console.UseUtcTimestamp = true;
    });
    builder.Services.AddAgentK(builder.Configuration);
    using var host = builder.Build();
    // Validated here rather than inside the start, which would log the failure with its stack trace first.
    host.Services.GetService<IStartupValidator>()?.Validate();
    await host.RunAsync();
    return 0;
}
catch (Exception exception) when (ConfigurationErrors.TryReport(exception, Console.Error))
{
    return HostCommandLine.UsageError;
}
