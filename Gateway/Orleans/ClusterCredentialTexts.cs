namespace Plural.Gateway.Orleans;

/// <summary>The text of the three files at one moment.</summary>
internal sealed record ClusterCredentialTexts(string Certificate, string Key, string Authorities);
