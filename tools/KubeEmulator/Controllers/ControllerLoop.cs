using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Storage;

namespace Plural.KubeEmulator.Controllers;

/// <summary>
/// Runs every reconciler after each burst of writes and on a short tick (for time-based progress such
/// as Job pods finishing). Reconcilers are level-based, so a lost race just waits for the next pass.
/// </summary>
internal sealed partial class ControllerLoop(ObjectStore store, IEnumerable<IReconciler> reconcilers, ILogger<ControllerLoop> logger) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan Coalesce = TimeSpan.FromMilliseconds(15);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var all = reconcilers.ToList();
        while (!stoppingToken.IsCancellationRequested)
        {
            foreach (var reconciler in all)
            {
                try
                {
                    reconciler.Reconcile();
                }
                catch (ApiException e) when (e.Code is 409 or 404)
                {
                    // Lost a race with a client write; the next pass sees the new state.
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogReconcileFailed(logger, e, reconciler.GetType().Name);
                }
            }
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
                wait.CancelAfter(Tick);
                await store.Changes.ReadAsync(wait.Token);
                await Task.Delay(Coalesce, stoppingToken);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Tick elapsed without writes.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Controller {Controller} failed a pass")]
    private static partial void LogReconcileFailed(ILogger logger, Exception exception, string controller);
}
