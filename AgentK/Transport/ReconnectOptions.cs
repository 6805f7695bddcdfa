namespace Plural.AgentK.Transport;

/// <summary>Exponential backoff between failed attempts; defaults follow GitLab agentk. Section <c>Agent:Reconnect</c>.</summary>
internal sealed class ReconnectOptions
{
    /// <summary>The configuration section the options are bound from.</summary>
    public const string SectionName = "Agent:Reconnect";

    /// <summary>Delay after the first failure.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest delay before jitter.</summary>
    public TimeSpan MaxBackoff { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Growth of the delay after each further failure.</summary>
    public double Factor { get; set; } = 1.6;

    /// <summary>Fraction of the delay added at random so that many agents do not retry in step.</summary>
    public double Jitter { get; set; } = 0.2;

    /// <summary>A connection healthy for this long starts the next failure from <see cref="InitialBackoff"/> again.</summary>
    public TimeSpan ResetAfter { get; set; } = TimeSpan.FromSeconds(25);
}
