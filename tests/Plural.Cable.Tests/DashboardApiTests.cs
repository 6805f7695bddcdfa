using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Plural.Cable.Tests.Infrastructure;

namespace Plural.Cable.Tests;

/// <summary>
/// The dashboard's JSON reads, called as the page calls them: the caller's token decides what they answer about, and
/// every refusal is typed JSON with a reason.
/// </summary>
[Collection(CablePlatformCollection.Name)]
public sealed class DashboardApiTests(CablePlatform platform)
{
    [Fact]
    public async Task Dashboard_reads_answer_a_user_token_only_about_its_agents_and_refuse_with_typed_reasons()
    {
        var mine = await platform.RegisterAgentAsync("api-mine");
        var theirs = await platform.RegisterAgentAsync("api-theirs");
        var token = await platform.IssueUserTokenAsync("carol", mine.Name);
        using var http = new HttpClient { BaseAddress = platform.GatewayA.HttpUrl };

        var (anonymous, anonymousBody) = await GetAsync(http, "/dashboard/api/agents", null);
        var (listed, list) = await GetAsync(http, "/dashboard/api/agents", token);
        var (forbidden, forbiddenBody) = await GetAsync(http, $"/dashboard/api/agents/{theirs.Name}/cache/pods", token);
        var (offline, offlineBody) = await GetAsync(http, $"/dashboard/api/agents/{mine.Name}/cache/pods?selector=app%3Dweb", token);
        var (malformed, malformedBody) = await GetAsync(http, "/dashboard/api/agents?page_size=many", token);

        Assert.Equal((HttpStatusCode.Unauthorized, "Unauthenticated"), (anonymous, (string?)anonymousBody["code"]));
        Assert.Equal(HttpStatusCode.OK, listed);
        var agent = Assert.Single(list["agents"]!.AsArray())!;
        Assert.Equal(mine.Name, (string?)agent["name"]);
        Assert.Empty(agent["tokens"]!.AsArray());
        Assert.Equal("", (string?)list["next_page_token"]);
        Assert.Equal((HttpStatusCode.Forbidden, $"you may not see agent {theirs.Name}"), (forbidden, (string?)forbiddenBody["error"]));
        Assert.Equal((HttpStatusCode.Conflict, "FailedPrecondition"), (offline, (string?)offlineBody["code"]));
        Assert.Contains("is offline", (string?)offlineBody["error"]);
        Assert.Equal((HttpStatusCode.BadRequest, "page_size: must be a whole number"), (malformed, (string?)malformedBody["error"]));
    }

    private static async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(HttpClient http, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await http.SendAsync(request);
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }
}
