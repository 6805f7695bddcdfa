using Plural.KubeEmulator.Streaming.Commands;

namespace Plural.KubeEmulator.Streaming.RemoteCommand;

/// <summary>
/// <c>kubectl exec</c>: runs the command in the emulated container over the session's streams and
/// reports its exit the way the kubelet does, so kubectl exits with the same code.
/// </summary>
internal static class ExecSession
{
    public static async Task RunAsync(IRemoteCommandChannel channel, RemoteCommandRequest request, ContainerContext container, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, channel.ClientGone);
        int exitCode;
        await using (var terminal = ProcessTerminal.Open(channel, request.Tty, session.Token))
        {
            var commands = new ContainerCommands(container);
            try
            {
                exitCode = await commands.ExecAsync(new ProcessStart(request.Command, terminal.IO, container.Environment, container.WorkingDirectory), session.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException && session.IsCancellationRequested)
            {
                // The client hung up or the server is stopping: nobody is left to tell how it ended.
                return;
            }
        }
        await channel.WriteStatusAsync(ExitStatus.Exited(exitCode, request.Command), cancellationToken);
        await channel.FinishAsync(cancellationToken);
    }
}
