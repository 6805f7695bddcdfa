using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Plural.AgentK.Local;
using Plural.AgentK.Tests.Infrastructure;
using Plural.Protocol.Agent;

namespace Plural.AgentK.Tests.Tunnels;

public sealed class ImpersonationAndLocalTargetTests
{
    [Fact(Timeout = 30_000)]
    public async Task An_impersonated_request_carries_the_chosen_identity_and_never_the_callers()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var head = TunnelForwardingTests.Get("/api/v1/pods");
        head.Headers.Add(new HeaderField { Name = "Impersonate-User", Values = { "system:admin" } });
        head.Headers.Add(new HeaderField { Name = "Impersonate-Group", Values = { "system:masters" } });
        head.Impersonation = new Impersonation
        {
            User = "plural:user:alice",
            Groups = { "plural:user", "dev" },
            Extra = { new HeaderField { Name = "scopes.plural.sh/agent", Values = { "prod" } } },
        };

        var response = await gateway.ForwardAsync(head);

        Assert.Equal(200, response.Status);
        var seen = upstream.Requests.Single().Headers;
        Assert.Equal("plural:user:alice", seen["Impersonate-User"]);
        // Kubernetes reads one group per line; the fake upstream records repeated lines comma-joined.
        Assert.Equal("plural:user,dev", seen["Impersonate-Group"]);
        Assert.DoesNotContain(seen.Keys, k => k.StartsWith("Plural-", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("prod", seen["Impersonate-Extra-scopes.plural.sh%2Fagent"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task An_identity_with_one_group_replaces_the_callers_groups_with_exactly_that_one()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var head = TunnelForwardingTests.Get("/api/v1/pods");
        head.Headers.Add(new HeaderField { Name = "Impersonate-Group", Values = { "system:masters", "dev" } });
        head.Impersonation = new Impersonation { User = "plural:user:bob", Groups = { "plural:user" } };

        var response = await gateway.ForwardAsync(head);

        Assert.Equal(200, response.Status);
        var seen = upstream.Requests.Single().Headers;
        Assert.Equal("plural:user:bob", seen["Impersonate-User"]);
        Assert.Equal("plural:user", seen["Impersonate-Group"]);
        Assert.DoesNotContain(seen.Keys, k => k.StartsWith("Plural-", StringComparison.OrdinalIgnoreCase));
    }

    [Fact(Timeout = 30_000)]
    public async Task A_group_with_a_line_break_is_refused_and_never_reaches_the_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var head = TunnelForwardingTests.Get("/api/v1/pods");
        head.Impersonation = new Impersonation { User = "plural:user:eve", Groups = { "dev\r\nImpersonate-User: system:admin" } };

        var response = await gateway.ForwardAsync(head);

        Assert.Null(response.Status);
        Assert.Equal(TunnelErrorCode.Rejected, response.Error?.Code);
        Assert.Contains("Impersonate-Group contains a line break", response.Error?.Message);
        Assert.Empty(upstream.Requests);
    }

    [Fact(Timeout = 30_000)]
    public async Task Without_an_impersonation_the_callers_impersonation_headers_pass_through()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => context.Response.WriteAsync("ok"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var head = TunnelForwardingTests.Get("/api/v1/pods");
        head.Headers.Add(new HeaderField { Name = "Impersonate-User", Values = { "bob" } });

        await gateway.ForwardAsync(head);

        Assert.Equal("bob", upstream.Requests.Single().Headers["Impersonate-User"]);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_request_for_the_agent_itself_is_answered_by_its_handler_without_touching_the_upstream()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => context.Response.WriteAsync("upstream"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream,
            services: s => s.AddSingleton<IAgentRequestHandler>(new EchoHandler()));

        var head = TunnelForwardingTests.Get("/cache/query", "kind=pods");
        head.Method = "POST";
        head.Target = RequestTarget.Agent;
        var body = Encoding.UTF8.GetBytes("{\"namespace\":\"default\"}");
        head.ContentLength = body.Length;

        var response = await gateway.ForwardAsync(head, body);

        Assert.Equal(200, response.Status);
        Assert.Equal("application/json", response.Headers["Content-Type"].Single());
        Assert.Equal("POST /cache/query?kind=pods {\"namespace\":\"default\"}", response.BodyText);
        Assert.Empty(upstream.Requests);
    }

    [Fact(Timeout = 30_000)]
    public async Task A_request_for_the_agent_itself_is_404_when_the_agent_serves_none()
    {
        await using var upstream = await FakeUpstream.StartAsync(context => context.Response.WriteAsync("upstream"));
        await using var gateway = await FakeGateway.StartAsync();
        await using var agent = await AgentUnderTest.StartAsync(gateway, upstream);

        var head = TunnelForwardingTests.Get("/cache/query");
        head.Target = RequestTarget.Agent;

        var response = await gateway.ForwardAsync(head);

        Assert.Equal(404, response.Status);
        Assert.Empty(upstream.Requests);
    }

    private sealed class EchoHandler : IAgentRequestHandler
    {
        public Task<AgentResponse> HandleAsync(AgentRequest request, CancellationToken cancellationToken) =>
            Task.FromResult(new AgentResponse(200, "application/json",
                Encoding.UTF8.GetBytes($"{request.Method} {request.Path}?{request.Query} {Encoding.UTF8.GetString(request.Body.Span)}")));
    }
}
