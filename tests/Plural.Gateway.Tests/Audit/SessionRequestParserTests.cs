using Microsoft.AspNetCore.Http;
using Plural.Gateway.Audit;

namespace Plural.Gateway.Tests.Audit;

/// <summary>What an exec, attach or port-forward asked for, read from the query string as kubectl sends it, and nothing else.</summary>
public sealed class SessionRequestParserTests
{
    [Fact]
    public void An_exec_keeps_its_command_in_order_and_its_container()
    {
        var session = SessionRequestParser.Parse("exec", Query("?command=sh&command=-c&command=cat%20%2Fetc%2Fhosts&container=app&stdin=true&tty=true"));

        Assert.Equal(["sh", "-c", "cat /etc/hosts"], session!.Command);
        Assert.Equal("app", session.Container);
        Assert.Empty(session.Ports);
    }

    [Fact]
    public void An_attach_keeps_its_container_and_a_port_forward_its_ports_in_either_spelling()
    {
        var attach = SessionRequestParser.Parse("attach", Query("?container=sidecar&command=ignored"));
        var forward = SessionRequestParser.Parse("portforward", Query("?ports=8080,9090&ports=53&ports=not-a-port&ports=70000"));

        Assert.Equal(("sidecar", 0), (attach!.Container, attach.Command.Count));
        Assert.Equal([8080, 9090, 53], forward!.Ports);
    }

    [Theory]
    [InlineData("")]
    [InlineData("log")]
    [InlineData("status")]
    public void Other_requests_have_no_session_whatever_their_query_says(string subresource) =>
        Assert.Null(SessionRequestParser.Parse(subresource, Query("?command=rm&container=app&ports=1&token=secret")));

    private static IQueryCollection Query(string query) => new QueryCollection(Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query));
}
