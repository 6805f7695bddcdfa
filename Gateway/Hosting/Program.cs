using Plural.Gateway.Hosting;
using Plural.Gateway.Orleans;

// A gateway on its own: an Orleans client of an external silo cluster.
var builder = WebApplication.CreateBuilder(args);
builder.AddPluralOrleansClient();
builder.AddPluralGateway();

var app = builder.Build();
app.MapPluralGateway();
await app.RunAsync();
