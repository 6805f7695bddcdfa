namespace Plural.Protocol.Kubernetes;

// The shared selector files declare no accessibility so that the emulator can compile them in as internal types.
// Here they become part of this library's public surface, for the agent and the gateway.
public sealed partial class LabelSelector;

public sealed partial record LabelRequirement;
