using System.Text;
using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Streaming.RemoteCommand;

/// <summary>
/// How a command ended, as the kubelet reports it on the error channel: a <c>Status</c> object for
/// protocol v4 and later (exit codes travel as reason <c>NonZeroExitCode</c> with an <c>ExitCode</c>
/// cause, which kubectl turns into its own exit code), plain text for older protocols.
/// </summary>
internal sealed record ExitStatus(int ExitCode, string? Message, string? Reason)
{
    public static readonly ExitStatus Success = new(0, null, null);

    public bool IsSuccess => ExitCode == 0 && Reason is null;

    /// <summary>A process that exited with a code other than 0; the message is containerd's wording.</summary>
    public static ExitStatus Exited(int exitCode, IReadOnlyList<string> command) => exitCode == 0
        ? Success
        : new ExitStatus(exitCode, $"command terminated with non-zero exit code: error executing command [{string.Join(' ', command)}], exit code {exitCode}", "NonZeroExitCode");

    /// <summary>The runtime could not run the session at all.</summary>
    public static ExitStatus InternalError(string message) => new(1, message, "InternalError");

    public byte[] ToJson()
    {
        var status = new JsonObject { ["metadata"] = new JsonObject(), ["status"] = IsSuccess ? "Success" : "Failure" };
        if (Reason == "NonZeroExitCode")
        {
            status["message"] = Message;
            status["reason"] = Reason;
            status["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }) };
        }
        else if (Reason is not null)
        {
            status["message"] = $"Internal error occurred: {Message}";
            status["reason"] = Reason;
            status["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = Message }) };
            status["code"] = 500;
        }
        return Encoding.UTF8.GetBytes(status.ToJsonString());
    }

    /// <summary>Protocols before v4 carry only failures, as their message text.</summary>
    public byte[] ToText() => IsSuccess ? [] : Encoding.UTF8.GetBytes(Reason == "InternalError" ? $"Internal error occurred: {Message}" : Message ?? "");
}
