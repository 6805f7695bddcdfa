using Plural.Gateway.Access;

namespace Plural.Gateway.Tests.Access;

public sealed class UserAccessTokenTests
{
    [Fact]
    public void A_created_token_carries_its_id()
    {
        var (id, token) = UserAccessToken.Create();

        Assert.True(UserAccessToken.TryParseId(token, out var parsed));
        Assert.Equal(id, parsed);
        Assert.StartsWith(UserAccessToken.Prefix + id + "_", token);
    }

    [Theory]
    [InlineData("plrl_agent_abc")]
    [InlineData("plrl_user_")]
    [InlineData("plrl_user_0123456789ABCDEF_secretsecretsecretsecret")]
    [InlineData("plrl_user_0123_secretsecretsecretsecret")]
    [InlineData("plrl_user_0123456789abcdef_short")]
    public void Malformed_tokens_have_no_id(string token)
    {
        Assert.False(UserAccessToken.TryParseId(token, out _));
    }
}
