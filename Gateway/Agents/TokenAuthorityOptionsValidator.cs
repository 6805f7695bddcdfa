using Microsoft.Extensions.Options;

namespace Plural.Gateway.Agents;

/// <summary>Refuses to start with a token authority that cannot work, saying which key is wrong.</summary>
internal sealed class TokenAuthorityOptionsValidator : IValidateOptions<TokenAuthorityOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenAuthorityOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem + ".") : ValidateOptionsResult.Success;
}
