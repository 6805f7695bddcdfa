using Plural.Grains.GitOps;

namespace Plural.Security.Tests.GitOps;

/// <summary>
/// <c>cache.kinds</c> entries written as mappings (a resource with the fields, labels and budget to keep) reach the
/// agent as one string, and every mistake in them is a problem naming its line.
/// </summary>
public sealed class CacheKindEntryTests
{
    private const string File = ".plural/agents/prod-eu-1/config.yaml";

    [Fact]
    public void A_kind_with_options_is_sent_as_the_resource_followed_by_its_options()
    {
        var problems = new List<ConfigProblem>();

        var model = AgentConfigParser.Parse(File, """
            cache:
              kinds:
                - pods
                - resource: certificates.cert-manager.io
                  fields: [spec.secretName, "status.conditions[type=Ready].status"]
                  labels: [app, team]
                  maxObjects: 500
                  maxBytes: 1048576
            """, problems);

        Assert.Empty(problems);
        Assert.Equal(["pods", "certificates.cert-manager.io;fields=spec.secretName,status.conditions[type=Ready].status;labels=app,team;maxObjects=500;maxBytes=1048576"],
            model.CachedKinds);
    }

    [Theory]
    [InlineData("    - fields: [spec.size]", 3, "a cache.kinds entry written as a mapping needs resource (e.g. certificates.cert-manager.io)")]
    [InlineData("    - resource: widgets.example.com\n      fields: [\"spec.size;drop\"]", 4, "fields: 'spec.size;drop' is not a field path like spec.size, spec.ports[0].port or status.conditions[type=Ready].status")]
    [InlineData("    - resource: widgets.example.com\n      maxObjects: 0", 4, "maxObjects: '0' is not a whole number from 1 to 2147483647")]
    [InlineData("    - resource: widgets.example.com\n      maxBytes: 10", 4, "maxBytes: '10' is not a whole number from 1024 to 9223372036854775807")]
    [InlineData("    - resource: widgets.example.com\n      budget: 10", 4, "unknown key 'budget' (expected one of resource, fields, labels, maxObjects, maxBytes)")]
    public void A_mistake_in_a_kind_entry_is_a_problem_on_its_line(string entry, int line, string message)
    {
        var problems = new List<ConfigProblem>();

        AgentConfigParser.Parse(File, "cache:\n  kinds:\n" + entry + "\n", problems);

        var problem = Assert.Single(problems);
        Assert.Equal((File, line, message), (problem.File, problem.Line, problem.Message));
    }
}
