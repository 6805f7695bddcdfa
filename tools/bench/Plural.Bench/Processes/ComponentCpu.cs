namespace Plural.Bench.Processes;

/// <summary>CPU seconds one process (with its children) spent during a measurement.</summary>
/// <param name="Component">Process name (<c>gateway</c>, <c>agent</c>, <c>sshd</c>...).</param>
/// <param name="Seconds">User plus system CPU seconds.</param>
public sealed record ComponentCpu(string Component, double Seconds);
