using Plural.EndToEnd.Tests.MainApp;

namespace Plural.EndToEnd.Tests.CommandLine;

/// <summary>An operator's <c>plural</c>: its own profile in a scratch home, logged in to the main-app platform's gateway.</summary>
internal sealed class OperatorCli(MainAppPlatform platform) : IDisposable
{
    public DirectoryInfo Home { get; } = Directory.CreateTempSubdirectory("plural-operator-");

    public string Profile => Path.Combine(Home.FullName, "profile.json");

    public async Task LoginAsync()
    {
        var credential = Path.Combine(Home.FullName, "operator-token");
        await File.WriteAllTextAsync(credential, MainAppPlatform.AdminToken + "\n");
        var login = await RunAsync("login", "--gateway", platform.ApiUrl.ToString(), "--credential-file", credential,
            "--ca-file", platform.Certificates.AuthorityFile);
        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains($"profile saved to {Profile}", login.StandardOutput);
    }

    public Task<ProductRunResult> RunAsync(params string[] args) =>
        ProductRun.PluralAsync(args, new Dictionary<string, string> { [ProfileVariable] = Profile });

    /// <summary>Starts a <c>plural</c> that runs until stopped (<c>events</c>), with this operator's profile.</summary>
    public ProductProcess Start(string name, params string[] args) =>
        ProductProcess.Start("Cli", args, name, environment: [new(ProfileVariable, Profile)]);

    public void Dispose() => Home.Delete(recursive: true);

    private const string ProfileVariable = "PLURAL_CONFIG";
}
