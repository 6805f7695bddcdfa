using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Plural.Gateway.Access;
using Plural.Gateway.ServerApi;

namespace Plural.Gateway.Tests.Access;

/// <summary>
/// JWT secret files (ServerApi's and the Kubernetes proxy's) are checked when the gateway starts, not on the first
/// call that carries a JWT.
/// </summary>
public sealed class JwtSecretFileOptionsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    public void Dispose() => File.Delete(_file);

    public static TheoryData<string> Sections => [ServerApiOptions.Section, AccessOptions.Section];

    [Theory]
    [MemberData(nameof(Sections))]
    public void A_missing_jwt_secret_file_is_refused_naming_the_key(string section)
    {
        File.Delete(_file);

        var refused = Assert.Throws<OptionsValidationException>(() => SecretFiles(section, _file));

        Assert.Contains($"{section}:JwtSecretFiles", refused.Message);
    }

    [Theory]
    [MemberData(nameof(Sections))]
    public void An_existing_secret_file_is_accepted(string section)
    {
        File.WriteAllText(_file, "a-secret-0123456789abcdef");

        Assert.Equal([_file], SecretFiles(section, _file));
    }

    private static IReadOnlyList<string> SecretFiles(string section, params string[] files)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(files.Select((f, i) => KeyValuePair.Create($"{section}:JwtSecretFiles:{i}", (string?)f)))
            .Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddServerApi();
        services.AddUserAccess();
        using var provider = services.BuildServiceProvider();
        return section == AccessOptions.Section
            ? provider.GetRequiredService<IOptions<AccessOptions>>().Value.JwtSecretFiles
            : provider.GetRequiredService<IOptions<ServerApiOptions>>().Value.JwtSecretFiles;
    }
}
