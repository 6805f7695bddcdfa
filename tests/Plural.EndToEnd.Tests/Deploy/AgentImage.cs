namespace Plural.EndToEnd.Tests.Deploy;

/// <summary>
/// The agent as <c>deploy/docker/Dockerfile.agentk</c> builds it: its build stage run once per test run (a native
/// publish takes minutes), shared by every test of the shipped agent, and removed when the run ends.
/// </summary>
internal static class AgentImage
{
    private static readonly PublishedImages Images = new();

    static AgentImage() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Images.Dispose();

    /// <summary>The image's build stage output.</summary>
    public static Task<PublishedImage> PublishAsync() => Images.PublishAsync("agentk");

    /// <summary>The image's entry point: the natively published agent.</summary>
    public static async Task<string> ExecutableAsync() => Path.Combine((await PublishAsync()).Directory, "Plural.AgentK");
}
