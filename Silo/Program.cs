using Plural.Silo.Dev;
using Plural.Silo.Hosting;

if (args.FirstOrDefault() == "dev")
{
    return await DevEnvironment.RunAsync(args);
}

if (args.FirstOrDefault() == "migrate")
{
    return await SchemaMigrationCommand.RunAsync(args[1..]);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddPluralSilo();
var app = builder.Build();
app.MapPluralSilo();
await app.RunAsync();
return 0;
