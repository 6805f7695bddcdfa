using System.CommandLine;
using Grpc.Core;
using Plural.Client;

namespace Plural.Cli;

/// <summary>
/// One command's run against the platform: the saved profile, a <c>ServerApi</c> client carrying the profile's
/// credential, and the output format. Failures become one <c>error:</c> line and the exit code that names them.
/// </summary>
public sealed class CliRun(CliProfile profile, PluralServerClient client, OutputFormat format, TextWriter output)
{
    /// <summary>The profile the command runs with.</summary>
    public CliProfile Profile { get; } = profile;

    /// <summary>The platform's API, authenticated.</summary>
    public Plural.Protocol.Server.ServerApi.ServerApiClient Api => client.Api;

    /// <summary>Table for people, JSON for scripts.</summary>
    public OutputFormat Format { get; } = format;

    /// <summary>Where results go.</summary>
    public TextWriter Output { get; } = output;

    /// <summary>Runs <paramref name="body"/> with the saved profile; maps every expected failure to its exit code.</summary>
    public static async Task<int> WithProfileAsync(ParseResult parsed, Option<OutputFormat>? formatOption, CancellationToken ct,
        Func<CliRun, CancellationToken, Task> body)
    {
        var error = parsed.InvocationConfiguration.Error;
        try
        {
            var path = CliProfile.DefaultPath;
            var profile = CliProfile.Load(path)
                ?? throw new CliException(ExitCodes.NotLoggedIn, $"not logged in (no profile at {path}): run plural login --gateway <url> --credential-file <file>");
            using var client = Connect(profile);
            await body(new CliRun(profile, client, formatOption is null ? OutputFormat.Table : parsed.GetValue(formatOption), parsed.InvocationConfiguration.Output), ct);
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (Describe(ex) is { } failure)
        {
            await error.WriteLineAsync("error: " + failure.Message);
            return failure.ExitCode;
        }
    }

    /// <summary>A client for <paramref name="profile"/>, its credential read from its file now.</summary>
    public static PluralServerClient Connect(CliProfile profile) =>
        new(new PluralClientOptions { Address = new Uri(profile.Gateway), AdminToken = profile.ReadCredential(), CertificateAuthorityFile = profile.CaFile });

    /// <summary>The exit code and one line for a failure <c>plural</c> expects; null for a bug, which should surface as one.</summary>
    public static CliException? Describe(Exception ex) => ex switch
    {
        CliException cli => cli,
        RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied } rpc =>
            new CliException(ExitCodes.Refused, $"the gateway refused the credential: {rpc.Status.Detail}"),
        RpcException { StatusCode: StatusCode.NotFound } rpc => new CliException(ExitCodes.NotFound, rpc.Status.Detail),
        RpcException { StatusCode: StatusCode.AlreadyExists } rpc => new CliException(ExitCodes.AlreadyExists, rpc.Status.Detail),
        RpcException { StatusCode: StatusCode.InvalidArgument } rpc => new CliException(ExitCodes.Usage, rpc.Status.Detail),
        RpcException { StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded } rpc =>
            new CliException(ExitCodes.Failed, $"the gateway cannot be reached: {rpc.Status.Detail}"),
        RpcException rpc => new CliException(ExitCodes.Failed, $"{rpc.StatusCode}: {rpc.Status.Detail}"),
        UriFormatException bad => new CliException(ExitCodes.NotLoggedIn, $"the profile's gateway address is not a URL ({bad.Message}); run plural login again"),
        _ => null,
    };
}
