using Plural.Bench.Runner;

namespace Plural.Bench.Tests;

public sealed class RuntimeSettingsTests
{
    [Fact]
    public void Every_dotnet_process_gets_the_same_settings_by_default()
    {
        var settings = BenchArguments.Parse(["small-get"], ScenarioCatalog.All, "/tmp/results").Runtime;

        var gateway = settings.EnvironmentFor("gateway");
        Assert.Equal("0", gateway["DOTNET_gcServer"]);
        Assert.Equal("1", gateway["DOTNET_TieredPGO"]);
        Assert.All(RuntimeSettings.Processes, process => Assert.Equal(gateway, settings.EnvironmentFor(process)));
    }

    [Fact]
    public void A_setting_for_one_process_overrides_the_common_one_for_that_process_only()
    {
        var settings = RuntimeSettings.Parse("DOTNET_gcServer=0, gateway:DOTNET_gcServer=1,DOTNET_TieredPGO=0");

        Assert.Equal("1", settings.EnvironmentFor("gateway")["DOTNET_gcServer"]);
        Assert.Equal("0", settings.EnvironmentFor("agent")["DOTNET_gcServer"]);
        Assert.Equal("0", settings.EnvironmentFor("gateway")["DOTNET_TieredPGO"]);
        Assert.Equal("DOTNET_TieredPGO=0 DOTNET_gcServer=0; only gateway: DOTNET_gcServer=1", settings.Describe());
    }

    [Theory]
    [InlineData("DOTNET_gcServer", "--runtime: 'DOTNET_gcServer' is not NAME=VALUE")]
    [InlineData("=1", "--runtime: '=1' is not NAME=VALUE")]
    [InlineData("proxy:DOTNET_gcServer=1", "--runtime: 'proxy:DOTNET_gcServer=1' names process 'proxy'")]
    public void A_malformed_setting_is_refused_naming_it(string text, string message) =>
        Assert.StartsWith(message, Assert.Throws<BenchUsageException>(() => RuntimeSettings.Parse(text)).Message);

    [Fact]
    public void The_runtime_option_is_accepted_for_any_scenario() =>
        Assert.Equal("1", BenchArguments.Parse(["agents", "--runtime", "silo:DOTNET_TieredPGO=1"], ScenarioCatalog.All, "/tmp/results")
            .Runtime.EnvironmentFor("silo")["DOTNET_TieredPGO"]);
}
