using System.Text;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// Redirections of the emulated shell: <c>n&gt;&amp;m</c> and <c>n&lt;&amp;m</c> between the standard
/// descriptors, <c>&gt;&amp;-</c>, output to <c>/dev/null</c>, <c>/dev/stdout</c> and <c>/dev/stderr</c>,
/// input from <c>/dev/null</c> or a file. Other output files fail: the file system is read-only.
/// </summary>
internal static class ShellRedirections
{
    /// <summary>The descriptors after the redirection; null with dash's message when it cannot be done.</summary>
    public static ProcessIO? Apply(ShellRedirection redirection, ProcessIO io, ShellVariables state, ContainerFileSystem files, out string? error)
    {
        error = null;
        var target = ShellExpansion.Expand(redirection.Target.Parts, state) ?? "";
        var fd = redirection.Descriptor;
        switch (redirection.Operator)
        {
            case ">&" or "<&":
                if (target == "-") return io.WithDescriptor(fd, Stream.Null);
                if (target is "0" or "1" or "2") return io.WithDescriptor(fd, io.Descriptor(target[0] - '0'));
                error = "Syntax error: Bad fd number";
                return null;
            case ">" or ">>":
                switch (target)
                {
                    case "/dev/null": return io.WithDescriptor(fd, Stream.Null);
                    case "/dev/stdout": return io.WithDescriptor(fd, io.Stdout);
                    case "/dev/stderr": return io.WithDescriptor(fd, io.Stderr);
                }
                error = $"cannot create {target}: Read-only file system";
                return null;
            default:
                if (target == "/dev/null") return io.WithDescriptor(fd, Stream.Null);
                var path = ContainerFileSystem.Normalize(state.Cwd, target);
                if (files.Read(path) is { } content) return io.WithDescriptor(fd, new MemoryStream(Encoding.UTF8.GetBytes(content), writable: false));
                error = $"cannot open {target}: {(files.IsDirectory(path) ? "Is a directory" : "No such file")}";
                return null;
        }
    }
}
