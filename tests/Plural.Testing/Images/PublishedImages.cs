using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Plural.Testing.Processes;

namespace Plural.Testing.Images;

/// <summary>
/// The output of each image's build stage (<see cref="BuildStage"/>), published once per test class and shared by its
/// tests: a publish from an empty context takes a minute or more.
/// </summary>
public sealed class PublishedImages : IDisposable
{
    /// <summary>The commit given to the builds as <c>SOURCE_REVISION</c>.</summary>
    public const string Revision = "0123456789abcdef0123456789abcdef01234567";

    /// <summary>This machine's architecture by Docker's name: builds here are for the builder's own.</summary>
    private static readonly string Arch = RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? "arm64" : "amd64";

    private static readonly TimeSpan PublishLimit = TimeSpan.FromMinutes(8);
    private readonly ConcurrentDictionary<string, Lazy<Task<PublishedImage>>> _images = new();
    private readonly List<DirectoryInfo> _contexts = [];

    /// <summary>Runs the build stage of <c>deploy/docker/Dockerfile.&lt;image&gt;</c> for this machine's architecture, once.</summary>
    public Task<PublishedImage> PublishAsync(string image) =>
        _images.GetOrAdd(image, name => new Lazy<Task<PublishedImage>>(() => BuildAsync(name))).Value;

    private async Task<PublishedImage> BuildAsync(string image)
    {
        var stage = BuildStage.Read(Path.Combine(RepositoryLayout.Root, "deploy", "docker", "Dockerfile." + image));
        var context = Directory.CreateTempSubdirectory($"plural-image-{image}-");
        lock (_contexts)
        {
            _contexts.Add(context);
        }

        stage.CopyInto(context.FullName);
        var log = await stage.RunAsync(context.FullName, new Dictionary<string, string>
        {
            ["BUILDARCH"] = Arch,
            ["TARGETARCH"] = Arch,
            ["SOURCE_REVISION"] = Revision,
        }, PublishLimit);
        return new PublishedImage(stage.OutputDirectory(context.FullName), log);
    }

    public void Dispose()
    {
        foreach (var context in _contexts)
        {
            context.Delete(recursive: true);
        }
    }
}

/// <summary>What a build stage published, and what its commands printed.</summary>
public sealed record PublishedImage(string Directory, string Log);
