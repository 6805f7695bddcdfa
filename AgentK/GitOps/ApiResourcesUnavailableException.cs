namespace Plural.AgentK.GitOps;

/// <summary>Discovery could not be read (the API server failed or was unreachable), as opposed to a kind it does not serve.</summary>
internal sealed class ApiResourcesUnavailableException(string message) : Exception(message);
