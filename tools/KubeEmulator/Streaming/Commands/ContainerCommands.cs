namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// The executables of the emulated container image: a handful of coreutils (<c>echo</c>, <c>cat</c>,
/// <c>env</c>, <c>printenv</c>, <c>hostname</c>, <c>date</c>, <c>ls</c>, <c>pwd</c>, <c>sleep</c>,
/// <c>true</c>, <c>false</c>, <c>whoami</c>, <c>id</c>, <c>uname</c>) and a shell (<c>sh</c>, <c>bash</c>),
/// found by name in the search path or by their full path.
/// </summary>
internal sealed class ContainerCommands
{
    /// <summary>Exit status of a process ended by Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    private static readonly string[] SearchDirectories = ContainerContext.SearchPath.Split(':');

    private readonly Dictionary<string, Func<ProcessStart, CancellationToken, Task<int>>> _programs;

    public ContainerCommands(ContainerContext container)
    {
        Container = container;
        _programs = new(StringComparer.Ordinal)
        {
            ["echo"] = Coreutils.EchoAsync,
            ["cat"] = (p, ct) => Coreutils.CatAsync(container.Files, p, ct),
            ["env"] = (p, ct) => Coreutils.EnvAsync(this, p, ct),
            ["printenv"] = Coreutils.PrintEnvAsync,
            ["hostname"] = (p, ct) => Coreutils.OutputAsync(p, (p.Arguments.FirstOrDefault() == "-i" ? container.PodIp ?? "" : container.PodName) + "\n", ct),
            ["date"] = (p, ct) => Coreutils.DateAsync(container.Time, p, ct),
            ["ls"] = (p, ct) => Coreutils.ListAsync(container.Files, p, ct),
            ["pwd"] = (p, ct) => Coreutils.OutputAsync(p, p.WorkingDirectory + "\n", ct),
            ["sleep"] = Coreutils.SleepAsync,
            ["true"] = (_, _) => Task.FromResult(0),
            ["false"] = (_, _) => Task.FromResult(1),
            ["whoami"] = (p, ct) => Coreutils.OutputAsync(p, "root\n", ct),
            ["id"] = (p, ct) => Coreutils.OutputAsync(p, "uid=0(root) gid=0(root) groups=0(root)\n", ct),
            ["uname"] = (p, ct) => Coreutils.UnameAsync(container.PodName, p, ct),
            ["sh"] = (p, ct) => new Shell(this, p).RunAsync(ct),
            ["bash"] = (p, ct) => new Shell(this, p).RunAsync(ct),
            ["dash"] = (p, ct) => new Shell(this, p).RunAsync(ct),
        };
    }

    public ContainerContext Container { get; }

    /// <summary>
    /// Finds a program as execve(2) with a PATH search would. Null, with the runtime's reason, when there is none.
    /// </summary>
    public Func<ProcessStart, CancellationToken, Task<int>>? Find(string name, string workingDirectory, out string? failure)
    {
        failure = null;
        if (name.Length == 0)
        {
            failure = "exec: \"\": executable file not found in $PATH";
            return null;
        }
        if (!name.Contains('/'))
        {
            if (_programs.TryGetValue(name, out var program)) return program;
            failure = $"exec: \"{name}\": executable file not found in $PATH";
            return null;
        }
        var path = ContainerFileSystem.Normalize(workingDirectory, name);
        var slash = path.LastIndexOf('/');
        var directory = slash == 0 ? "/" : path[..slash];
        if (SearchDirectories.Contains(directory) && _programs.TryGetValue(path[(slash + 1)..], out var found)) return found;
        failure = Container.Files.IsDirectory(path) ? $"exec: \"{name}\": permission denied" : $"exec: \"{name}\": stat {name}: no such file or directory";
        return null;
    }

    /// <summary>
    /// Starts a process the way the container runtime does for <c>kubectl exec</c>. A program that cannot be
    /// started gets the runtime's error on stderr and exit status 126 (as runtimes that report an exit
    /// code for a failed start do); Ctrl-C ends the process with 130.
    /// </summary>
    public async Task<int> ExecAsync(ProcessStart process, CancellationToken cancellationToken)
    {
        var program = Find(process.Name, process.WorkingDirectory, out var failure);
        if (program is null)
        {
            await process.IO.ErrAsync($"OCI runtime exec failed: exec failed: unable to start container process: {failure}: unknown\n", cancellationToken);
            return 126;
        }
        return await RunAsync(program, process, cancellationToken);
    }

    /// <summary>Runs a program found with <see cref="Find"/>; an interrupt while it waits ends it with 130.</summary>
    public static async Task<int> RunAsync(Func<ProcessStart, CancellationToken, Task<int>> program, ProcessStart process, CancellationToken cancellationToken)
    {
        try
        {
            return await program(process, cancellationToken);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Interrupted;
        }
    }
}
