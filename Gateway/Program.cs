using Plural.Gateway.Hosting;
using Plural.Grains.Streams;

// A gateway on its own: an Orleans client of an external silo cluster.
var builder = WebApplication.CreateBuilder(args);
builder.UseOrleansClient(client => client
    .UseLocalhostClustering(
        gatewayPort: builder.Configuration.GetValue("Orleans:GatewayPort", 30000),
        serviceId: builder.Configuration.GetValue("Orleans:ServiceId", "plural") ?? "plural",
        clusterId: builder.Configuration.GetValue("Orleans:ClusterId", "dev") ?? "dev")
    .AddMemoryStreams(StreamNames.Provider));
builder.AddPluralGateway();

var app = builder.Build();
app.MapPluralGateway();
await app.RunAsync();
