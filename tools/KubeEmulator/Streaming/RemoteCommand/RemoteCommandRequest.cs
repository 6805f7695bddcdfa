using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Streaming.RemoteCommand;

/// <summary>
/// The query of <c>pods/{name}/exec</c> and <c>pods/{name}/attach</c> (PodExecOptions, PodAttachOptions).
/// Booleans accept what the API server's parameter codec accepts (kubectl sends <c>true</c>, the C#
/// client <c>1</c>). With a TTY there is no separate stderr, as on the kubelet.
/// </summary>
internal sealed record RemoteCommandRequest(IReadOnlyList<string> Command, string? Container, bool Stdin, bool Stdout, bool Stderr, bool Tty)
{
    public const int MaxCommandBytes = 64 * 1024;

    public static RemoteCommandRequest Parse(IQueryCollection query, bool exec)
    {
        var command = query["command"].Select(c => c ?? "").ToList();
        if (exec && command.Count == 0) throw Errors.BadRequest("you must specify at least one command for the container");
        if (command.Sum(c => c.Length) > MaxCommandBytes) throw Errors.BadRequest($"the command is longer than {MaxCommandBytes} bytes");
        var tty = Flag(query, "tty");
        var request = new RemoteCommandRequest(
            command,
            query["container"].FirstOrDefault() is { Length: > 0 } container ? container : null,
            Flag(query, "stdin"),
            Flag(query, "stdout"),
            Flag(query, "stderr") && !tty,
            tty);
        if (!request.Stdin && !request.Stdout && !request.Stderr) throw Errors.BadRequest("you must specify at least 1 of stdin, stdout, stderr");
        return request;
    }

    private static bool Flag(IQueryCollection query, string name)
    {
        var value = query[name].FirstOrDefault();
        return value switch
        {
            null or "" => false,
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw Errors.BadRequest($"invalid value for {name}: \"{value}\" is not a boolean"),
        };
    }
}
