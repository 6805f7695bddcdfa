using System.Text;
using Plural.Protocol.Peers;

namespace Plural.Security.Tests.Peers;

/// <summary>A peer token is good for the one request it was signed for, under the shared secret, for seconds.</summary>
public sealed class PeerTokenTests
{
    private static readonly byte[] Secret = Encoding.UTF8.GetBytes("peer-secret-0123456789abcdef0123456789");
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Skew = TimeSpan.FromSeconds(15), Lifetime = TimeSpan.FromSeconds(30);
    private static readonly PeerRequest Request = new("gw-a", "prod", "GET", "/api/v1/pods", "upstream", "alice", ["dev", "ops"]);

    [Fact]
    public void A_token_signed_for_the_request_is_valid_during_its_lifetime()
    {
        var token = PeerToken.Sign(Secret, Request, Now, Now + Lifetime);

        Assert.Equal(PeerTokenCheck.Valid, Check(token, Request, Now + TimeSpan.FromSeconds(29)));
    }

    public static TheoryData<PeerRequest> OtherRequests() =>
    [
        Request with { GatewayId = "gw-b" },
        Request with { AgentName = "staging" },
        Request with { Method = "DELETE" },
        Request with { Path = "/api/v1/secrets" },
        Request with { Target = "agent" },
        Request with { User = "mallory" },
        Request with { User = null },
        Request with { Groups = ["dev", "ops", "system:masters"] },
        Request with { Groups = ["dev,ops"] },
    ];

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public void A_token_presented_for_another_request_has_the_wrong_signature(PeerRequest other)
    {
        var token = PeerToken.Sign(Secret, Request, Now, Now + Lifetime);

        Assert.Equal(PeerTokenCheck.WrongSignature, Check(token, other, Now));
    }

    [Fact]
    public void A_token_signed_with_another_secret_has_the_wrong_signature()
    {
        var token = PeerToken.Sign(Encoding.UTF8.GetBytes("another-secret-0123456789abcdef012345"), Request, Now, Now + Lifetime);

        Assert.Equal(PeerTokenCheck.WrongSignature, Check(token, Request, Now));
    }

    [Fact]
    public void Moving_the_expiry_of_a_signed_token_breaks_its_signature()
    {
        var parts = PeerToken.Sign(Secret, Request, Now, Now + Lifetime).Split('.');
        var extended = $"{parts[0]}.{(Now + TimeSpan.FromHours(1)).ToUnixTimeSeconds()}.{parts[2]}";

        Assert.Equal(PeerTokenCheck.WrongSignature, Check(extended, Request, Now + TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public void A_token_past_its_expiry_and_the_clock_skew_has_expired()
    {
        var token = PeerToken.Sign(Secret, Request, Now, Now + Lifetime);

        Assert.Equal(PeerTokenCheck.Valid, Check(token, Request, Now + Lifetime + Skew));
        Assert.Equal(PeerTokenCheck.Expired, Check(token, Request, Now + Lifetime + Skew + TimeSpan.FromSeconds(1)));
    }

    [Fact]
    public void A_token_from_a_clock_ahead_is_accepted_within_the_skew_only()
    {
        var token = PeerToken.Sign(Secret, Request, Now + TimeSpan.FromSeconds(10), Now + TimeSpan.FromSeconds(40));
        var far = PeerToken.Sign(Secret, Request, Now + TimeSpan.FromSeconds(20), Now + TimeSpan.FromSeconds(50));

        Assert.Equal(PeerTokenCheck.Valid, Check(token, Request, Now));
        Assert.Equal(PeerTokenCheck.Expired, Check(far, Request, Now));
    }

    [Fact]
    public void A_token_with_a_lifetime_longer_than_allowed_is_refused()
    {
        var token = PeerToken.Sign(Secret, Request, Now, Now + TimeSpan.FromDays(1));

        Assert.Equal(PeerTokenCheck.Expired, Check(token, Request, Now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("e2e-admin-token-0123456789")]
    [InlineData("1.2")]
    [InlineData("a.b.c")]
    [InlineData("1.2.not base64!")]
    [InlineData("-1.2.AAAA")]
    public void Anything_but_a_peer_token_is_malformed(string? token)
    {
        Assert.Equal(PeerTokenCheck.Malformed, Check(token, Request, Now));
    }

    private static PeerTokenCheck Check(string? token, PeerRequest request, DateTimeOffset now) =>
        PeerToken.Verify(Secret, token, request, now, Skew, Lifetime);
}
