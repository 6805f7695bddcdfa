namespace Plural.EndToEnd.Tests.Infrastructure;

/// <summary>Waits for what a user would see to become true, probing a few times a second.</summary>
internal static class Eventually
{
    /// <summary>Returns the first non-null result of <paramref name="probe"/>; fails after <paramref name="timeout"/>.</summary>
    public static async Task<T> GetAsync<T>(Func<Task<T?>> probe, TimeSpan timeout, string what) where T : class
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

            await Task.Delay(200);
        }
    }

    /// <summary>Reads until <paramref name="done"/> holds and returns that value; the timeout names the last one read.</summary>
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout, string what)
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
                throw new TimeoutException($"{what} did not happen within {timeout}; last: {value}");
            }

            await Task.Delay(200);
        }
    }
}
