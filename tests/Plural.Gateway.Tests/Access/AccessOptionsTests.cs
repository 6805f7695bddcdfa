using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;

namespace Plural.Gateway.Tests.Access;

/// <summary>The proxy's JWT secret files are checked when the gateway starts, not on the first request that carries a JWT.</summary>
public sealed class AccessOptionsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    [Fact]
    public void A_missing_jwt_secret_file_is_refused_naming_the_key()
    {
        File.Delete(_file);

        var refused = Assert.Throws<OptionsValidationException>(() => Options(_file));

        Assert.Contains("Gateway:Access:JwtSecretFiles", refused.Message);
    }

    [Fact]
    public void An_existing_secret_file_is_accepted()
    {
        File.WriteAllText(_file, "a-secret-0123456789abcdef");

        Assert.Equal([_file], Options(_file).JwtSecretFiles);
    }

    private static AccessOptions Options(params string[] secretFiles)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(secretFiles.Select((f, i) => KeyValuePair.Create($"Gateway:Access:JwtSecretFiles:{i}", (string?)f)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddUserAccess();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<AccessOptions>>().Value;
    }
}
