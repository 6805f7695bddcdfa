using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plural.Testing.Processes;

namespace Plural.Testing.Cable;

/// <summary>
/// One stock <c>@rails/actioncable</c> consumer in a node process (<c>tests/cable-client/driver.mjs</c>), told
/// what to do over stdin; everything it observes comes back as events.
/// </summary>
public sealed class CableDriver : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<JsonObject> _events = [];
    private readonly Lock _gate = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _changed = new(0);

    private CableDriver(Process process) => _process = process;

    /// <summary>
    /// Starts a consumer of <paramref name="cableUrl"/>. With <paramref name="reopenAtOnce"/> its subscriptions follow
    /// docs/cable.md's recipe and reopen the connection as soon as the server allows a reconnect.
    /// </summary>
    public static async Task<CableDriver> StartAsync(Uri cableUrl, bool reopenAtOnce = false)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = RepositoryLayout.CableClient,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add("driver.mjs");
        info.ArgumentList.Add(cableUrl.ToString());
        if (reopenAtOnce)
        {
            info.ArgumentList.Add("--reopen-at-once");
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var driver = new CableDriver(process);
        process.OutputDataReceived += (_, e) => driver.OnLine(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                driver._stderr.Enqueue(e.Data);
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await driver.WaitForAsync(e => Is(e, "ready"), TimeSpan.FromSeconds(30));
        return driver;
    }

    public Task SubscribeAsync(string sub, object parameters) => SendAsync(new { op = "subscribe", sub, @params = parameters });

    public Task UnsubscribeAsync(string sub) => SendAsync(new { op = "unsubscribe", sub });

    /// <summary>Sends <paramref name="times"/> channel actions (<c>message</c> commands) on subscription <paramref name="sub"/> at once.</summary>
    public Task PerformAsync(string sub, int times) => SendAsync(new { op = "perform", sub, times });

    /// <summary>Kills the socket without a close handshake, as a network drop would; the client stays down until <see cref="ReconnectAsync"/>.</summary>
    public Task DropAsync() => SendAsync(new { op = "drop" });

    public Task ReconnectAsync() => SendAsync(new { op = "reconnect" });

    public IReadOnlyList<JsonObject> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Messages received by one subscription, in order.</summary>
    public IReadOnlyList<JsonObject> Received(string sub) =>
        [.. Events.Where(e => Is(e, "received") && (string?)e["sub"] == sub).Select(e => e["message"]!.AsObject())];

    /// <summary>Waits for an event matching <paramref name="match"/> (also one seen already) and returns it.</summary>
    public async Task<JsonObject> WaitForAsync(Func<JsonObject, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var found = Events.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _process.HasExited)
            {
                throw new TimeoutException($"the cable client did not see the expected event within {timeout} (exited: {_process.HasExited}).\n"
                    + $"Events:\n{string.Join('\n', Events.Select(e => e.ToJsonString()))}\nStderr:\n{string.Join('\n', _stderr)}");
            }

            await _changed.WaitAsync(left < TimeSpan.FromMilliseconds(500) ? left : TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>Waits until subscription <paramref name="sub"/> received a message matching <paramref name="match"/>.</summary>
    public async Task<JsonObject> WaitForMessageAsync(string sub, Func<JsonObject, bool> match, TimeSpan timeout)
    {
        var received = await WaitForAsync(e => Is(e, "received") && (string?)e["sub"] == sub && match(e["message"]!.AsObject()), timeout);
        return received["message"]!.AsObject();
    }

    public static bool Is(JsonObject e, string name) => (string?)e["event"] == name;

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
    }

    private async Task SendAsync(object command)
    {
        await _process.StandardInput.WriteLineAsync(JsonSerializer.Serialize(command));
        await _process.StandardInput.FlushAsync();
    }

    private void OnLine(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        JsonObject? parsed;
        try
        {
            parsed = JsonNode.Parse(line)?.AsObject();
        }
        catch (JsonException)
        {
            _stderr.Enqueue("stdout: " + line);
            return;
        }

        if (parsed is null)
        {
            return;
        }

        lock (_gate)
        {
            _events.Add(parsed);
        }

        _changed.Release();
    }
}
