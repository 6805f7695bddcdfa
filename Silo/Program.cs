using Plural.Silo.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddPluralSilo();
var app = builder.Build();
app.MapPluralSilo();
await app.RunAsync();
