using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Plural.Security.Tests.Logging;

/// <summary>
/// Log event ids identify a message within a process: two messages under one id make alerts and log queries
/// ambiguous. The ranges per project and folder are in docs/design.md ("Event ids").
/// </summary>
public sealed class EventIdTests
{
    private const string Silo = "Plural.Silo", Gateway = "Plural.Gateway", Grains = "Plural.Grains";
    private const string AgentK = "Plural.AgentK", Emulator = "Plural.KubeEmulator";

    /// <summary>The product assemblies that run together in one process.</summary>
    public static TheoryData<string, string[]> Processes => new()
    {
        { "silo with its gateway", [Silo, Gateway, Grains] },
        { "agent", [AgentK] },
        { "emulator", [Emulator] },
        { "dev mode (silo, gateway, agent and emulator in one process)", [Silo, Gateway, Grains, AgentK, Emulator] },
    };

    [Theory]
    [MemberData(nameof(Processes))]
    public void No_event_id_is_used_twice_in_one_process(string process, string[] assemblies)
    {
        var reused = assemblies.SelectMany(LoggerMessages)
            .GroupBy(m => m.EventId)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Method))}")
            .ToList();

        Assert.True(reused.Count == 0, $"event ids used twice in the {process} process:\n{string.Join("\n", reused)}");
    }

    [Fact]
    public void The_scan_finds_the_log_messages_of_every_project_that_has_them()
    {
        Assert.All(new[] { Silo, Gateway, Grains, AgentK }, name => Assert.NotEmpty(LoggerMessages(name)));
        Assert.Contains(LoggerMessages(Gateway), m => m.Method.StartsWith("Plural.Gateway.Cable.", StringComparison.Ordinal));
    }

    private static List<(int EventId, string Method)> LoggerMessages(string assemblyName) =>
        [
            .. from type in Assembly.Load(assemblyName).GetTypes()
            from method in type.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            let message = method.GetCustomAttribute<LoggerMessageAttribute>()
            where message is not null && message.EventId >= 0
            select (message.EventId, $"{type.FullName}.{method.Name}"),
        ];
}
