namespace Plural.Grains.Tokens;

/// <summary>Persisted state of <see cref="AgentTokenGrain"/>.</summary>
[GenerateSerializer, Alias("plural.tokens.TokenBindingState")]
public sealed class TokenBindingState
{
    [Id(0)] public TokenBinding? Binding { get; set; }
}
