using System.Diagnostics;
using Plural.Testing.Processes;

namespace Plural.Testing.Images;

/// <summary>
/// The first stage of a Dockerfile (the one that builds), read as far as a builder needs it here: the files it copies
/// from the build context, its <c>WORKDIR</c>, and its <c>RUN</c> commands, which run with <c>sh -c</c> as a builder
/// runs the shell form, their absolute paths moved under the context.
/// </summary>
internal sealed class BuildStage
{
    private readonly string _repository;
    private readonly List<(string[] Sources, string Destination)> _copies = [];
    private readonly List<string> _runs = [];
    private readonly List<string> _ignored = [];
    private string _workdir = "/";

    private BuildStage(string repository) => _repository = repository;

    /// <summary>Reads the first stage of <paramref name="dockerfile"/>, whose build context is the repository root.</summary>
    public static BuildStage Read(string dockerfile)
    {
        var stage = new BuildStage(RepositoryLayout.Root);
        var ignore = dockerfile + ".dockerignore";
        if (File.Exists(ignore))
        {
            stage._ignored.AddRange(File.ReadAllLines(ignore).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
        }

        var froms = 0;
        foreach (var line in File.ReadAllLines(dockerfile).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')))
        {
            var (instruction, rest) = (line.Split(' ')[0], line[(line.IndexOf(' ') + 1)..].Trim());
            switch (instruction)
            {
                case "FROM" when ++froms > 1:
                    return stage;
                case "WORKDIR":
                    stage._workdir = rest;
                    break;
                case "COPY" when !rest.StartsWith("--", StringComparison.Ordinal):
                    var parts = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    stage._copies.Add((parts[..^1], parts[^1]));
                    break;
                case "RUN":
                    stage._runs.Add(rest);
                    break;
            }
        }

        return stage;
    }

    /// <summary>Where the stage's <c>/out</c> ends up under <paramref name="context"/>.</summary>
    public string OutputDirectory(string context) => Path.Combine(context, "out");

    /// <summary>Copies what the stage's <c>COPY</c> lines name, minus the ignored paths, into <paramref name="context"/>.</summary>
    public void CopyInto(string context)
    {
        foreach (var (sources, destination) in _copies)
        {
            var target = Path.Combine(Under(context, _workdir), destination);
            foreach (var source in sources)
            {
                var from = Path.Combine(_repository, source);
                if (Directory.Exists(from))
                {
                    // As a builder does, a directory's contents go into the destination.
                    CopyDirectory(from, target);
                }
                else
                {
                    Directory.CreateDirectory(target);
                    File.Copy(from, Path.Combine(target, Path.GetFileName(source)));
                }
            }
        }
    }

    /// <summary>Runs the stage's <c>RUN</c> commands in the work directory with <paramref name="arguments"/> as build arguments.</summary>
    public async Task<string> RunAsync(string context, IReadOnlyDictionary<string, string> arguments, TimeSpan limit)
    {
        var log = new List<string>();
        foreach (var run in _runs)
        {
            var command = run.Replace(" /out", " " + OutputDirectory(context), StringComparison.Ordinal);
            // At low priority: a publish (a native one above all) takes both cores for minutes, and tests of other
            // collections run meanwhile with timings of their own.
            var info = new ProcessStartInfo("nice") { WorkingDirectory = Under(context, _workdir) };
            info.ArgumentList.Add("-n10");
            info.ArgumentList.Add("sh");
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add(command);
            foreach (var (name, value) in arguments)
            {
                info.Environment[name] = value;
            }

            var result = await ProcessToEnd.RunAsync(info, limit);
            log.Add(result.StandardOutput + result.StandardError);
            if (result.ExitCode != 0)
            {
                throw new InvalidOperationException($"RUN {run} exited with {result.ExitCode}:\n{string.Join('\n', log)}");
            }
        }

        return string.Join('\n', log);
    }

    private static string Under(string context, string absolute) => Path.Combine(context, absolute.TrimStart('/'));

    private void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(_repository, file);
            if (IsIgnored(relative))
            {
                continue;
            }

            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    // The patterns these Dockerfiles' ignore files use: "**/name/" anywhere, and "path/" from the root.
    private bool IsIgnored(string relative)
    {
        var segments = relative.Split(Path.DirectorySeparatorChar);
        return _ignored.Any(pattern => pattern.StartsWith("**/", StringComparison.Ordinal)
            ? segments[..^1].Contains(pattern[3..].TrimEnd('/'))
            : relative.StartsWith(pattern.TrimEnd('/') + Path.DirectorySeparatorChar, StringComparison.Ordinal));
    }
}
