using System.Diagnostics;
using Xunit.Abstractions;

namespace Plural.Topology.Tests.Deploy;

/// <summary>
/// Each image's build stage, run as a container builder would run it but without a container runtime (none is on
/// the test machines): only the files its <c>COPY</c> lines name go into an empty build context, minus what its
/// <c>.dockerignore</c> leaves out, its <c>RUN</c> command runs there with the build arguments a builder gives, and
/// the program it published is started. A Dockerfile that forgets a project, or a publish that only works from a full
/// checkout, fails here rather than in an operator's pipeline. The agent's image, a native publish, is built and run by
/// the end-to-end tests of the shipped agent (<c>ShippedAgentImageTests</c>), which run every shipped-agent test on it.
/// </summary>
public sealed class DockerfileBuildTests(PublishedImages images, ITestOutputHelper output) : IClassFixture<PublishedImages>
{
    [Theory]
    [InlineData("gateway", "Plural.Gateway.dll")]
    [InlineData("silo", "Plural.Silo.dll")]
    public async Task Build_stage_publishes_from_only_the_copied_files_and_the_program_reports_the_release_and_commit(string image, string program)
    {
        var published = await images.PublishAsync(image);
        output.WriteLine(published.Log);

        var version = await RunAsync("dotnet", [Path.Combine(published.Directory, program), "--version"]);

        var release = (await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Root, "VERSION"))).Trim();
        Assert.Equal(0, version.ExitCode);
        Assert.StartsWith($"{release}+{PublishedImages.Revision[..12]}", version.StandardOutput.Trim());
    }

    [Fact]
    public async Task The_silo_image_carries_neither_the_emulator_nor_the_agent_and_says_so_when_asked_for_dev()
    {
        var published = await images.PublishAsync("silo");

        var dev = await RunAsync("dotnet", [Path.Combine(published.Directory, "Plural.Silo.dll"), "dev"]);

        Assert.False(File.Exists(Path.Combine(published.Directory, "Plural.AgentK.dll")), "the silo image carries the agent");
        Assert.False(File.Exists(Path.Combine(published.Directory, "Plural.KubeEmulator.dll")), "the silo image carries the emulator");
        Assert.Equal(2, dev.ExitCode);
        Assert.StartsWith("error: dev:", dev.StandardError.Trim());
    }

    private static Task<ProductRunResult> RunAsync(string program, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(program);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return ProcessToEnd.RunAsync(info, TimeSpan.FromMinutes(1));
    }
}
