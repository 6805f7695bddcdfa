using System.Text.Json;

namespace Plural.Testing;

/// <summary>
/// Polls for state the system reaches asynchronously (an agent's cache, an emulator's controllers, what a user of
/// the platform would see); a timeout names what was awaited and the last value read.
/// </summary>
public static class Eventually
{
    private static readonly TimeSpan ConditionPoll = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ReadPoll = TimeSpan.FromMilliseconds(200);

    /// <summary>Waits until an in-memory <paramref name="condition"/> holds, checking it often.</summary>
    public static async Task HoldsAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(ConditionPoll);
        }
    }

    /// <summary>Returns the first non-null result of <paramref name="probe"/>; fails after <paramref name="timeout"/>.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what, TimeSpan? poll = null) where T : class
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within {timeout}");
            }

            await Task.Delay(poll ?? ReadPoll);
        }
    }

    /// <summary>Reads until <paramref name="done"/> holds and returns that value; the timeout shows the last one read.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string? what = null, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what ?? "condition"} not reached within {timeout}; last value: {Describe(value)}");
            }

            await Task.Delay(poll ?? ReadPoll);
        }
    }

    // Records and primitives describe themselves; other objects (Kubernetes models, lists) are shown as JSON.
    private static string Describe<T>(T value)
    {
        if (value is null)
        {
            return "null";
        }

        var text = value.ToString();
        if (text is not null && text != value.GetType().ToString())
        {
            return text;
        }

        try
        {
            return JsonSerializer.Serialize(value);
        }
        catch (Exception ex) when (ex is NotSupportedException or JsonException or InvalidOperationException)
        {
            return text ?? value.GetType().Name;
        }
    }
}
