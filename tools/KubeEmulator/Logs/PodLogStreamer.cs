using System.Text;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Logs;

/// <summary>
/// <c>GET pods/{name}/log</c>: generated lines, one per <see cref="KubeEmulatorOptions.LogLineInterval"/>
/// of the container's life, honouring <c>container</c>, <c>tailLines</c>, <c>timestamps</c> and <c>follow</c>.
/// </summary>
internal sealed class PodLogStreamer(ObjectService objects, KubeEmulatorOptions options)
{
    private const int MaxHistoryLines = 500;

    public async Task StreamAsync(ApiRequest request)
    {
        var pod = objects.Get(request.Kind, request.Namespace, request.Name);
        var container = Container(pod, request.Query("container"));
        var phase = pod.Str("status", "phase");
        if (phase is null or "Pending")
            throw Errors.BadRequest($"container \"{container}\" in pod \"{pod.Name()}\" is waiting to start: ContainerCreating");
        var tail = request.Query("tailLines") is { } t ? int.TryParse(t, out var n) && n >= 0 ? n : throw Errors.BadRequest($"invalid tailLines: {t}") : (int?)null;
        var timestamps = request.Flag("timestamps");
        var started = KubeTime.Parse(pod.Str("status", "startTime")) ?? objects.Now;
        var interval = options.LogLineInterval;
        var history = (int)Math.Clamp((objects.Now - started) / interval, 3, MaxHistoryLines);
        var first = tail is { } tl ? Math.Max(0, history - tl) : 0;

        var response = request.Http.Response;
        response.StatusCode = 200;
        response.ContentType = "text/plain";
        await response.StartAsync(request.Aborted);
        for (var i = first; i < history; i++) await WriteLineAsync(request, pod, container, i, started + i * interval, timestamps);
        await response.Body.FlushAsync(request.Aborted);
        if (!request.Flag("follow") || phase is "Succeeded" or "Failed") return;

        for (var i = history; ; i++)
        {
            try
            {
                await Task.Delay(interval, request.Aborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (objects.Find(request.Kind, request.Namespace, request.Name) is null) return;
            await WriteLineAsync(request, pod, container, i, objects.Now, timestamps);
            await response.Body.FlushAsync(request.Aborted);
        }
    }

    private static string Container(JsonObject pod, string? requested)
    {
        var names = pod.At("spec", "containers").Objects().Select(c => c.Str("name") ?? "").ToList();
        if (requested is { Length: > 0 })
        {
            return names.Contains(requested) || pod.At("spec", "initContainers").Objects().Any(c => c.Str("name") == requested)
                ? requested
                : throw Errors.BadRequest($"container {requested} is not valid for pod {pod.Name()}");
        }
        return names.Count == 1 ? names[0] : throw Errors.BadRequest($"a container name must be specified for pod {pod.Name()}, choose one of: [{string.Join(" ", names)}]");
    }

    private static Task WriteLineAsync(ApiRequest request, JsonObject pod, string container, int sequence, DateTimeOffset at, bool timestamps)
    {
        var line = new StringBuilder();
        if (timestamps) line.Append(KubeTime.FormatNano(at)).Append(' ');
        line.Append(LogLines.Render(pod.Name(), container, sequence)).Append('\n');
        return request.Http.Response.Body.WriteAsync(Encoding.UTF8.GetBytes(line.ToString()), request.Aborted).AsTask();
    }
}
