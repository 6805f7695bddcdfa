using Plural.Protocol.Agent;

namespace Plural.AgentK.Session;

/// <summary>
/// Takes one kind of gateway command beyond welcome and reconnect. Handlers only hand the command over and return:
/// the session keeps reading while the work runs, and a newer command may supersede it.
/// </summary>
internal interface ISessionCommandHandler
{
    /// <summary>The command this handler takes.</summary>
    GatewayMessage.KindOneofCase Kind { get; }

    /// <summary>Accepts the command; must not block.</summary>
    void Handle(GatewayMessage command);
}
