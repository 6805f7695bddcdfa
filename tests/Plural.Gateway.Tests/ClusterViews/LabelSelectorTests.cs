using Plural.Protocol.Kubernetes;

namespace Plural.Gateway.Tests.ClusterViews;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Web = new()
    {
        ["app"] = "web", ["tier"] = "front", ["env"] = "prod", ["replicas"] = "3", ["plural.sh/team"] = "blue", ["empty"] = "",
    };

    [Theory]
    [InlineData("", true)]
    [InlineData("   ", true)]
    [InlineData("app=web", true)]
    [InlineData("app==web", true)]
    [InlineData("app = web", true)]
    [InlineData("app=db", false)]
    [InlineData("app!=web", false)]
    [InlineData("app!=db", true)]
    [InlineData("missing!=x", true)]
    [InlineData("missing=x", false)]
    [InlineData("app=web,tier=front", true)]
    [InlineData("app=web,tier=back", false)]
    [InlineData("env in (prod,staging)", true)]
    [InlineData("env in (staging)", false)]
    [InlineData("missing in (prod)", false)]
    [InlineData("env notin (prod)", false)]
    [InlineData("env notin (dev, staging)", true)]
    [InlineData("missing notin (prod)", true)]
    [InlineData("canary", false)]
    [InlineData("app", true)]
    [InlineData("!canary", true)]
    [InlineData("! app", false)]
    [InlineData("plural.sh/team=blue", true)]
    [InlineData("empty=", true)]
    [InlineData("empty in (,x)", true)]
    [InlineData("replicas>2", true)]
    [InlineData("replicas<3", false)]
    [InlineData("app>2", false)]
    [InlineData("app, env in (prod), !canary", true)]
    [InlineData("in", false)]
    public void Selectors_follow_kubernetes_semantics(string selector, bool matches) =>
        Assert.Equal(matches, LabelSelector.Parse(selector).Matches(Web));

    [Fact]
    public void Each_operator_parses_to_its_requirement()
    {
        var selector = LabelSelector.Parse("a=1,b==2,c!=3,d in (x, y),e notin (z),f,!g,h>4,i<-5");

        Assert.Equal(
            [
                ("a", LabelRequirement.Operator.Equals, "1"),
                ("b", LabelRequirement.Operator.Equals, "2"),
                ("c", LabelRequirement.Operator.NotEquals, "3"),
                ("d", LabelRequirement.Operator.In, "x,y"),
                ("e", LabelRequirement.Operator.NotIn, "z"),
                ("f", LabelRequirement.Operator.Exists, ""),
                ("g", LabelRequirement.Operator.DoesNotExist, ""),
                ("h", LabelRequirement.Operator.GreaterThan, "4"),
                ("i", LabelRequirement.Operator.LessThan, "-5"),
            ],
            selector.Requirements.Select(r => (r.Key, r.Op, string.Join(",", r.Values))));
        Assert.Equal("a=1,b=2,c!=3,d in (x,y),e notin (z),f,!g,h>4,i<-5", selector.ToString());
    }

    [Theory]
    [InlineData("app in web", "expected '(' after 'in', found 'web'")]
    [InlineData("app in (web", "expected ',' or ')' in a set of values, found the end")]
    [InlineData("app notin ()", "the set of values after 'notin' is empty")]
    [InlineData("app=(x)", "expected a value after '=', found '('")]
    [InlineData("=x", "expected a label key, found '='")]
    [InlineData("a b=c", "found 'b'")]
    [InlineData("app=web,", "expected a label key, found the end")]
    [InlineData("app=web tier=front", "expected ',' or the end after a requirement, found 'tier'")]
    [InlineData("app=w@b", "invalid label value 'w@b'")]
    [InlineData("-app=web", "invalid label key '-app'")]
    [InlineData("Plural.SH/team=blue", "invalid label key 'Plural.SH/team'")]
    [InlineData("replicas>two", "expected an integer after '>', found 'two'")]
    [InlineData("!", "expected a label key, found the end")]
    public void A_malformed_selector_is_rejected_saying_what_was_expected_and_where(string selector, string reason)
    {
        var error = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));

        Assert.Contains(reason, error.Message);
        Assert.Contains($"of \"{selector}\"", error.Message);
    }

    [Fact]
    public void The_error_points_at_the_offending_character()
    {
        var error = Assert.Throws<FormatException>(() => LabelSelector.Parse("app=web,tier in front"));

        Assert.Contains("at character 17 ", error.Message);
    }

    [Fact]
    public void Keys_and_values_have_the_api_servers_length_limits()
    {
        Assert.True(LabelSelector.Parse($"{new string('k', 63)}={new string('v', 63)}").Matches(new Dictionary<string, string>
        {
            [new string('k', 63)] = new string('v', 63),
        }));
        Assert.Throws<FormatException>(() => LabelSelector.Parse(new string('k', 64)));
        Assert.Throws<FormatException>(() => LabelSelector.Parse($"k={new string('v', 64)}"));
    }
}
