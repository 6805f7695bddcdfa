using Microsoft.Extensions.Options;
using Plural.AgentK.Cache;

namespace Plural.AgentK;

/// <summary>Rejects a configuration the agent cannot run with, at start rather than at first use.</summary>
internal sealed class AgentOptionsValidator : IValidateOptions<AgentOptions>
{
    public ValidateOptionsResult Validate(string? name, AgentOptions options)
    {
        var errors = new List<string>();

        if (!IsHttpUrl(options.GatewayUrl))
        {
            errors.Add("Agent:GatewayUrl is required and must be an absolute http:// or https:// URL.");
        }

        if (IsHttpUrl(options.GatewayUrl))
        {
            try
            {
                // Resolving checks Agent:Proxy and the proxy environment variables alike.
                _ = Connection.GatewayProxy.Resolve(options.GatewayUrl, options.Proxy, Environment.GetEnvironmentVariable);
            }
            catch (ArgumentException exception)
            {
                errors.Add(exception.Message);
            }
        }

        if (string.IsNullOrEmpty(options.Token) && string.IsNullOrEmpty(options.TokenFile))
        {
            errors.Add($"Agent:Token, Agent:TokenFile or the {AgentOptions.TokenEnvironmentVariable} environment variable is required.");
        }
        else if (!string.IsNullOrEmpty(options.TokenFile) && !File.Exists(options.TokenFile))
        {
            errors.Add($"Agent:TokenFile '{options.TokenFile}' does not exist.");
        }

        if (!IsHttpUrl(options.Upstream.Url))
        {
            errors.Add("Agent:Upstream:Url must be an absolute http:// or https:// URL.");
        }

        if (!string.IsNullOrEmpty(options.ObservabilityUrl) && !IsHttpUrl(options.ObservabilityUrl))
        {
            errors.Add("Agent:ObservabilityUrl must be an http:// URL or empty.");
        }

        var tunnels = options.Tunnels;
        if (tunnels.MinIdle < 1) errors.Add("Agent:Tunnels:MinIdle must be at least 1.");
        if (tunnels.MaxTotal < tunnels.MinIdle) errors.Add("Agent:Tunnels:MaxTotal must be at least Agent:Tunnels:MinIdle.");
        if (tunnels.ScaleUpStep < 1) errors.Add("Agent:Tunnels:ScaleUpStep must be at least 1.");
        if (tunnels.MaxIdleTime <= TimeSpan.Zero) errors.Add("Agent:Tunnels:MaxIdleTime must be positive.");

        var reconnect = options.Reconnect;
        if (reconnect.InitialBackoff <= TimeSpan.Zero) errors.Add("Agent:Reconnect:InitialBackoff must be positive.");
        if (reconnect.MaxBackoff < reconnect.InitialBackoff) errors.Add("Agent:Reconnect:MaxBackoff must be at least InitialBackoff.");
        if (reconnect.Factor < 1) errors.Add("Agent:Reconnect:Factor must be at least 1.");
        if (reconnect.Jitter is < 0 or > 1) errors.Add("Agent:Reconnect:Jitter must be between 0 and 1.");
        if (reconnect.ResetAfter <= TimeSpan.Zero) errors.Add("Agent:Reconnect:ResetAfter must be positive.");

        if (options.ShutdownGracePeriod < TimeSpan.Zero) errors.Add("Agent:ShutdownGracePeriod must not be negative.");
        if (options.KeepAlivePingInterval <= TimeSpan.Zero) errors.Add("Agent:KeepAlivePingInterval must be positive.");
        if (options.KeepAlivePingTimeout <= TimeSpan.Zero) errors.Add("Agent:KeepAlivePingTimeout must be positive.");
        if (options.Upstream.ConnectTimeout <= TimeSpan.Zero) errors.Add("Agent:Upstream:ConnectTimeout must be positive.");

        ValidateCluster(options, errors);
        ValidateGitOps(options.GitOps, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateCluster(AgentOptions options, List<string> errors)
    {
        var cache = options.Cache;
        foreach (var kind in cache.Kinds.Where(k => ResourceKinds.Find(k) is null))
        {
            errors.Add($"Agent:Cache:Kinds: '{kind}' is not a supported kind ({ResourceKinds.Supported}).");
        }

        if (cache.MaxObjectsPerKind < 1) errors.Add("Agent:Cache:MaxObjectsPerKind must be at least 1.");
        if (cache.ListPageSize is < 1 or > 10_000) errors.Add("Agent:Cache:ListPageSize must be between 1 and 10000.");
        if (cache.WatchTimeout < TimeSpan.FromSeconds(1)) errors.Add("Agent:Cache:WatchTimeout must be at least 1 second.");
        if (cache.InitialBackoff <= TimeSpan.Zero) errors.Add("Agent:Cache:InitialBackoff must be positive.");
        if (cache.MaxBackoff < cache.InitialBackoff) errors.Add("Agent:Cache:MaxBackoff must be at least InitialBackoff.");
        if (cache.EventMessageLength < 0) errors.Add("Agent:Cache:EventMessageLength must not be negative.");
        if (cache.DefaultQueryLimit < 1) errors.Add("Agent:Cache:DefaultQueryLimit must be at least 1.");
        if (cache.MaxQueryLimit < cache.DefaultQueryLimit) errors.Add("Agent:Cache:MaxQueryLimit must be at least DefaultQueryLimit.");

        var events = options.Events;
        if (events.BatchInterval < TimeSpan.Zero) errors.Add("Agent:Events:BatchInterval must not be negative.");
        if (events.MaxBatchSize < 1) errors.Add("Agent:Events:MaxBatchSize must be at least 1.");
        if (events.MaxEventsPerSecond < 1) errors.Add("Agent:Events:MaxEventsPerSecond must be at least 1.");
        if (events.MaxPending < 1) errors.Add("Agent:Events:MaxPending must be at least 1.");

        var views = options.Views;
        if (views.Debounce < TimeSpan.Zero) errors.Add("Agent:Views:Debounce must not be negative.");
        if (views.RefreshInterval < TimeSpan.FromSeconds(1)) errors.Add("Agent:Views:RefreshInterval must be at least 1 second.");
        if (views.WarningWindow < TimeSpan.FromMinutes(1)) errors.Add("Agent:Views:WarningWindow must be at least 1 minute.");
    }

    private static void ValidateGitOps(GitOps.GitOpsOptions gitOps, List<string> errors)
    {
        if (gitOps.MinReapplyInterval < TimeSpan.FromSeconds(1)) errors.Add("Agent:GitOps:MinReapplyInterval must be at least 1 second.");
        if (gitOps.ReapplyInterval < gitOps.MinReapplyInterval) errors.Add("Agent:GitOps:ReapplyInterval must be at least Agent:GitOps:MinReapplyInterval.");
        if (gitOps.RequestTimeout <= TimeSpan.Zero) errors.Add("Agent:GitOps:RequestTimeout must be positive.");
        if (gitOps.CrdEstablishTimeout < TimeSpan.Zero) errors.Add("Agent:GitOps:CrdEstablishTimeout must not be negative.");
        if (gitOps.InventoryNamespace is { Length: > 0 } ns && !System.Text.RegularExpressions.Regex.IsMatch(ns, "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"))
        {
            errors.Add($"Agent:GitOps:InventoryNamespace '{ns}' is not a namespace name (lower-case letters, digits and '-', at most 63).");
        }
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
