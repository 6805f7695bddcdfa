using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plural.Gateway.ServerApi;

namespace Plural.Gateway.Tests.ServerApi;

/// <summary>ServerApi's options are checked when the gateway starts, not on the main application's first call.</summary>
public sealed class ServerApiOptionsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void A_missing_jwt_secret_file_is_refused_naming_the_key()
    {
        File.Delete(_file);

        var refused = Assert.Throws<OptionsValidationException>(() => Options(_file));

        Assert.Contains("Gateway:ServerApi:JwtSecretFiles", refused.Message);
    }

    [Fact]
    public void An_existing_secret_file_is_accepted()
    {
        File.WriteAllText(_file, "a-secret-0123456789abcdef");

        Assert.Equal([_file], Options(_file).JwtSecretFiles);
    }

    private static ServerApiOptions Options(params string[] secretFiles)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(secretFiles.Select((f, i) => KeyValuePair.Create($"Gateway:ServerApi:JwtSecretFiles:{i}", (string?)f)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddServerApi();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<ServerApiOptions>>().Value;
    }
}
