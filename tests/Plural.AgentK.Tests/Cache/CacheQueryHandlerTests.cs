using System.Text;
using Google.Protobuf;
using Plural.AgentK.Cache;
using Plural.AgentK.Cache.Queries;
using Plural.AgentK.Local;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Cache;

public sealed class CacheQueryHandlerTests
{
    private static readonly ClusterCache Cache = Filled();

    private static ClusterCache Filled()
    {
        var cache = CacheFactory.Cache(CacheFactory.Options<CacheOptions>(o => o.Kinds = ["pods", "nodes", "deployments"]));
        CacheFactory.Fill(cache, "pods",
            CacheFactory.Pod("shop", "web-1", labels: new() { ["app"] = "web" }),
            CacheFactory.Pod("shop", "web-2", "Failed", labels: new() { ["app"] = "web" }),
            CacheFactory.Pod("shop", "db-0", labels: new() { ["app"] = "db" }),
            CacheFactory.Pod("blog", "web-1", labels: new() { ["app"] = "web" }));
        CacheFactory.Fill(cache, "nodes", CacheFactory.Node("n1", ready: true));
        return cache;
    }

    private static async Task<AgentResponse> AskAsync(CacheQuery query, ClusterCache? cache = null, string path = "/cache/query", string method = "POST")
    {
        var handler = new CacheQueryHandler(cache ?? Cache, CacheFactory.Options<CacheOptions>(o => o.DefaultQueryLimit = 2));
        return await handler.HandleAsync(new AgentRequest(method, path, "", query.ToByteArray()), CancellationToken.None);
    }

    private static async Task<CacheQueryResult> ResultAsync(CacheQuery query)
    {
        var response = await AskAsync(query);
        Assert.Equal(200, response.Status);
        Assert.Equal("application/x-protobuf", response.ContentType);
        return CacheQueryResult.Parser.ParseFrom(response.Body.Span);
    }

    [Fact]
    public async Task A_query_selects_by_namespace_labels_and_fields_in_a_stable_order()
    {
        var failed = await ResultAsync(new CacheQuery { Kind = "pods", FieldSelector = "status.phase=Failed" });
        var web = await ResultAsync(new CacheQuery { Kind = "pod", LabelSelector = "app=web", Limit = 10 });
        var shop = await ResultAsync(new CacheQuery { Kind = "po", Namespace = "shop", CountOnly = true });

        Assert.Equal("web-2", Assert.Single(failed.Items).Name);
        Assert.Equal([("blog", "web-1"), ("shop", "web-1"), ("shop", "web-2")], web.Items.Select(i => (i.Namespace, i.Name)));
        Assert.Equal("web", web.Items[0].Labels["app"]);
        Assert.Equal("Running", web.Items[0].Fields["status.phase"]);
        Assert.True(web.Complete);
        Assert.Equal((3, 0), (shop.Count, shop.Items.Count));
    }

    [Fact]
    public async Task Items_beyond_the_limit_are_left_out_but_counted()
    {
        var result = await ResultAsync(new CacheQuery { Kind = "pods" });

        Assert.Equal((4, 2, false), (result.Count, result.Items.Count, result.Complete));
    }

    [Theory]
    [InlineData("gizmos!", 400, "gizmos!")]
    [InlineData("gizmos", 404, "does not cache gizmos")]
    [InlineData("services", 404, "does not cache services")]
    [InlineData("deployments", 503, "not synced")]
    public async Task A_query_the_cache_cannot_answer_gets_a_status_and_a_reason(string kind, int status, string reason)
    {
        var response = await AskAsync(new CacheQuery { Kind = kind });

        Assert.Equal(status, response.Status);
        Assert.Contains(reason, Encoding.UTF8.GetString(response.Body.Span));
    }

    [Fact]
    public async Task Requests_that_are_not_queries_are_refused()
    {
        var wrongPath = await AskAsync(new CacheQuery(), path: "/cache/other");
        var wrongMethod = await AskAsync(new CacheQuery(), method: "GET");
        var handler = new CacheQueryHandler(Cache, CacheFactory.Options<CacheOptions>());
        var garbage = await handler.HandleAsync(new AgentRequest("POST", "/cache/query", "", new byte[] { 0xff, 0xff, 0xff }), CancellationToken.None);

        Assert.Equal((404, 405, 400), (wrongPath.Status, wrongMethod.Status, garbage.Status));
    }
}
