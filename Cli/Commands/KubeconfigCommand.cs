using System.CommandLine;
using Plural.Cli.Kubeconfigs;
using Plural.Protocol.Server;

namespace Plural.Cli.Commands;

/// <summary>
/// <c>plural kubeconfig</c>: issues a user token for one agent and writes a context for it into a kubeconfig, so that
/// <c>kubectl --context plural-{agent}</c> reaches the cluster through the gateway as that user.
/// </summary>
internal static class KubeconfigCommand
{
    public static Command Create()
    {
        var agent = new Argument<string>("agent") { Description = "the agent whose cluster to reach" };
        var user = new Option<string>("--user") { Description = "who kubectl acts for; the cluster sees plural:user:<user>", Required = true };
        var groups = new Option<string[]>("--group") { Description = "a group of the user; repeat for more" };
        var ttl = CommonOptions.Lifetime("--ttl", "how long the token works; the gateway's default when absent");
        var kubeconfig = new Option<string?>("--kubeconfig") { Description = "the file to write (default: the first of $KUBECONFIG, else ~/.kube/config)" };
        var use = new Option<bool>("--use") { Description = "make the new context the current one" };
        var command = new Command("kubeconfig", "Write a kubeconfig context that reaches an agent's cluster as a user, keeping the file's other entries.")
        {
            agent, user, groups, ttl, kubeconfig, use,
        };
        command.SetAction((parsed, ct) => CliRun.WithProfileAsync(parsed, null, ct, async (run, ct) =>
        {
            var name = parsed.GetValue(agent)!;
            var request = new IssueUserTokenRequest { User = parsed.GetValue(user)!, Agents = { name }, RequestId = Guid.NewGuid().ToString("N") };
            request.Groups.AddRange(parsed.GetValue(groups) ?? []);
            if (parsed.GetValue(ttl) is { } lifetime)
            {
                request.TtlSeconds = (long)lifetime.TotalSeconds;
            }

            var issued = await run.Api.IssueUserTokenAsync(request, cancellationToken: ct);
            var entry = KubeconfigFile.Parse(issued.Kubeconfig, "the gateway's kubeconfig").Single($"plural-{name}", request.User);
            // The gateway's kubeconfig carries a CA only when it is configured to; the operator's own CA file then
            // stands in, as it already vouches for the gateway's API listener.
            if (entry.CertificateAuthorityData is null && run.Profile.CaFile is { } caFile)
            {
                entry = entry with { CertificateAuthorityData = Convert.ToBase64String(await File.ReadAllBytesAsync(caFile, ct)) };
            }

            var path = parsed.GetValue(kubeconfig) ?? KubeconfigFile.DefaultPath;
            var file = KubeconfigFile.Read(path);
            file.Put(entry, parsed.GetValue(use));
            file.Write(path);
            await run.Output.WriteLineAsync($"context {entry.Name} written to {path} (user {request.User}, token valid until {Output.Cells.Time(issued.Info.ExpiresAt)})");
            await run.Output.WriteLineAsync($"try: kubectl --context {entry.Name} get namespaces");
        }));
        return command;
    }
}
