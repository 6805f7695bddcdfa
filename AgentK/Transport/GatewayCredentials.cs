using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Plural.AgentK.Transport;

/// <summary>Builds the call metadata carrying the agent token.</summary>
internal sealed class GatewayCredentials(IOptions<GatewayOptions> options)
{
    /// <summary>
    /// Reads the token for each call: a token file may be rewritten by an operator while
    /// the agent keeps retrying with the old one.
    /// </summary>
    public Metadata CreateCallHeaders()
    {
        var agent = options.Value;
        var token = string.IsNullOrEmpty(agent.TokenFile) ? agent.Token : ReadTokenFile(agent.TokenFile);
        return new Metadata { { "authorization", $"Bearer {token}" } };
    }

    private static string ReadTokenFile(string path)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (IOException)
        {
            // The gateway answers Unauthenticated, which the caller already backs off from and reports.
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }
}
