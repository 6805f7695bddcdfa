using System.Text;
using Plural.KubeEmulator.Logs;
using Plural.KubeEmulator.Streaming.Commands;

namespace Plural.KubeEmulator.Streaming.RemoteCommand;

/// <summary>
/// <c>kubectl attach</c>: connects to the container's main process. That process writes the container's
/// log lines to stdout (one per <see cref="KubeEmulatorOptions.LogLineInterval"/>, continuing what
/// <c>kubectl logs</c> shows) and echoes whatever it reads on stdin. The session ends when the client
/// detaches, or with success when the pod stops running.
/// </summary>
internal static class AttachSession
{
    public static async Task RunAsync(IRemoteCommandChannel channel, RemoteCommandRequest request, ContainerContext container, AttachedProcess process, CancellationToken cancellationToken)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, channel.ClientGone);
        await using (var terminal = ProcessTerminal.Open(channel, request.Tty, session.Token))
        {
            try
            {
                var echo = EchoAsync(terminal.IO, session.Token);
                await WriteLogLinesAsync(terminal.IO, container, process, session.Token);
                await session.CancelAsync();
                await echo;
            }
            catch (Exception e) when (e is OperationCanceledException or IOException && session.IsCancellationRequested)
            {
            }
            if (channel.ClientGone.IsCancellationRequested || cancellationToken.IsCancellationRequested) return;
        }
        await channel.WriteStatusAsync(ExitStatus.Success, cancellationToken);
        await channel.FinishAsync(cancellationToken);
    }

    /// <summary>Writes the process's log lines until the session ends or the pod is gone.</summary>
    private static async Task WriteLogLinesAsync(ProcessIO io, ContainerContext container, AttachedProcess process, CancellationToken cancellationToken)
    {
        var sequence = process.NextLine();
        using var timer = new PeriodicTimer(process.Interval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            if (!process.IsRunning()) return;
            await io.OutAsync(LogLines.Render(container.PodName, container.Container, sequence++) + "\n", cancellationToken);
        }
    }

    private static async Task EchoAsync(ProcessIO io, CancellationToken cancellationToken)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await io.Stdin.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await io.Stdout.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            // Detached or stdin closed; the process keeps running either way.
        }
    }
}
