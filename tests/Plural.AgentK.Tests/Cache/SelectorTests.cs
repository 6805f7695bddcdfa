using Plural.AgentK.Cache;
using Plural.AgentK.Cache.Queries;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Cache;

public sealed class SelectorTests
{
    [Theory]
    [InlineData("app in web")]
    [InlineData("app=w@b")]
    [InlineData("a b=c")]
    [InlineData("app=web,")]
    public void A_malformed_label_selector_is_rejected_naming_the_part(string selector)
    {
        var cache = CacheFactory.Cache(CacheFactory.Options<CacheOptions>(o => o.Kinds = ["pods"]));
        CacheFactory.Fill(cache, "pods", CacheFactory.Pod("shop", "web-1"));
        var handler = new CacheQueryHandler(cache, CacheFactory.Options<CacheOptions>());

        var error = Assert.Throws<QueryException>(() => handler.Answer(new CacheQuery { Kind = "pods", LabelSelector = selector }));

        Assert.Equal(400, error.Status);
        Assert.StartsWith("label_selector:", error.Message);
    }

    [Fact]
    public void Field_selectors_match_kept_fields_and_metadata()
    {
        var pods = ResourceKinds.Find("pods")!;
        var pod = CacheFactory.Pod("shop", "web-1", "Pending", node: "node-2");

        Assert.True(FieldSelector.Parse("status.phase=Pending", pods).Matches(pod));
        Assert.True(FieldSelector.Parse("status.phase!=Running,spec.nodeName==node-2", pods).Matches(pod));
        Assert.True(FieldSelector.Parse("metadata.namespace=shop,metadata.name=web-1", pods).Matches(pod));
        Assert.False(FieldSelector.Parse("metadata.name=web-2", pods).Matches(pod));
        Assert.False(FieldSelector.Parse("status.reason=Evicted", pods).Matches(pod));
    }

    [Fact]
    public void A_field_the_cache_does_not_keep_is_rejected_with_the_fields_it_does_keep()
    {
        var error = Assert.Throws<QueryException>(() => FieldSelector.Parse("spec.replicas=3", ResourceKinds.Find("pods")!));

        Assert.Equal(400, error.Status);
        Assert.Contains("spec.replicas", error.Message);
        Assert.Contains("status.phase", error.Message);
    }
}
