namespace Plural.Gateway.Install;

/// <summary>Registers the one-line agent install: its options (validated at start), the links and the manifests.</summary>
internal static class InstallServiceCollectionExtensions
{
    /// <summary>Adds <see cref="InstallOptions"/>, <see cref="AgentInstallLinks"/> and <see cref="AgentManifests"/>.</summary>
    public static IServiceCollection AddInstall(this IServiceCollection services)
    {
        services.AddOptions<InstallOptions>().BindConfiguration(InstallOptions.Section).ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.GatewayCaFile) || File.Exists(o.GatewayCaFile),
                $"{InstallOptions.Section}:{nameof(InstallOptions.GatewayCaFile)}: the file must exist")
            .Validate(o => o.PublicUrl is null || Uri.TryCreate(o.PublicUrl, UriKind.Absolute, out _),
                $"{InstallOptions.Section}:{nameof(InstallOptions.PublicUrl)}: must be an absolute URL")
            .Validate(o => o.AgentGatewayUrl is null || Uri.TryCreate(o.AgentGatewayUrl, UriKind.Absolute, out _),
                $"{InstallOptions.Section}:{nameof(InstallOptions.AgentGatewayUrl)}: must be an absolute URL")
            .ValidateOnStart();
        services.AddSingleton<AgentInstallLinks>();
        // The kustomization is built into the gateway, so it is read once.
        services.AddSingleton<AgentManifests>();
        return services;
    }
}
