using Plural.Grains.Tokens;

namespace Plural.Gateway.Tests.Agents;

/// <summary>Makes token grain reads as slow as a struggling storage backend, while switched on.</summary>
internal sealed class SlowTokenGrainFilter : IIncomingGrainCallFilter
{
    public static TimeSpan Delay = TimeSpan.Zero;

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        if (context.Grain is IAgentTokenGrain && Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay);
        }

        await context.Invoke();
    }
}
