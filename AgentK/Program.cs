using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plural.AgentK;

var builder = Host.CreateApplicationBuilder(args);
builder.Logging.AddSimpleConsole(console =>
{
    console.SingleLine = true;
    console.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
    console.UseUtcTimestamp = true;
});
builder.Services.AddAgentK(builder.Configuration);
await builder.Build().RunAsync();
