using Microsoft.Extensions.Options;

namespace Plural.AgentK.Transport;

/// <summary>Fills the defaults that depend on the environment (token variable, pod name) after configuration binding.</summary>
internal sealed class GatewayOptionsDefaults : IPostConfigureOptions<GatewayOptions>
{
    public void PostConfigure(string? name, GatewayOptions options)
    {
        if (string.IsNullOrEmpty(options.Token) && string.IsNullOrEmpty(options.TokenFile))
        {
            options.Token = Environment.GetEnvironmentVariable(GatewayOptions.TokenEnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(options.InstanceId))
        {
            var podName = Environment.GetEnvironmentVariable("POD_NAME");
            options.InstanceId = string.IsNullOrWhiteSpace(podName)
                ? $"{Environment.MachineName}-{Environment.ProcessId}"
                : podName;
        }
    }
}
