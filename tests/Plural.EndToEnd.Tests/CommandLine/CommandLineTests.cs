namespace Plural.EndToEnd.Tests.CommandLine;

/// <summary>The edges of each program as an operator meets them: help, version, a mistyped command, a bad setting.</summary>
public sealed class CommandLineTests
{
    public static TheoryData<string> Programs => new() { "Silo", "Gateway", "AgentK" };

    /// <summary>Listeners on free loopback ports without TLS, so that only the setting under test is wrong.</summary>
    private static readonly string[] InsecureListeners =
    [
        "--Gateway:AllowInsecure=true",
        "--Gateway:AgentListenUrl=http://127.0.0.1:0",
        "--Gateway:ApiListenUrl=http://127.0.0.1:0",
        "--Gateway:HttpListenUrl=http://127.0.0.1:0",
    ];

    [Fact]
    public async Task Every_program_prints_the_same_version_taken_from_the_repository()
    {
        var declared = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "VERSION")).Trim();

        var versions = new List<string>();
        foreach (var program in new[] { "Silo", "Gateway", "AgentK", "tools/KubeEmulator" })
        {
            var result = await ProductRun.RunAsync(program, ["--version"]);
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("", result.StandardError);
            versions.Add(result.StandardOutput.Trim());
        }

        Assert.Single(versions.Distinct());
        Assert.Matches(@"^\d+\.\d+\.\d+(\+[0-9a-f]{12})?$", versions[0]);
        Assert.StartsWith(declared, versions[0]);
        Assert.NotEqual("1.0.0.0", versions[0]);
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task Help_exits_0_with_the_usage_and_where_the_keys_are_documented(string program)
    {
        var result = await ProductRun.RunAsync(program, ["--help"]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Usage: Plural.{program}", result.StandardOutput);
        Assert.Contains("--version", result.StandardOutput);
        Assert.Contains("docs/", result.StandardOutput);
        if (program == "Silo")
        {
            Assert.Contains("Plural.Silo dev", result.StandardOutput);
            Assert.Contains("Plural.Silo migrate", result.StandardOutput);
        }
    }

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task A_mistyped_command_exits_2_with_one_error_line_and_starts_nothing(string program)
    {
        var result = await ProductRun.RunAsync(program, ["mgirate", "--ConnectionStrings:Postgres=Host=nowhere"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("error: unknown command \"mgirate\"", Assert.Single(result.Errors));
        Assert.Contains($"Plural.{program} --help", result.StandardError);
        Assert.Equal("", result.StandardOutput);
    }

    [Fact]
    public async Task The_emulator_answers_help_and_refuses_an_unknown_argument_with_exit_2()
    {
        var help = await ProductRun.RunAsync("tools/KubeEmulator", ["--help"]);
        var refused = await ProductRun.RunAsync("tools/KubeEmulator", ["--prot", "8080"]);

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("docs/kube-emulator.md", help.StandardOutput);
        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.StartsWith("error: unknown or incomplete argument \"--prot\"", refused.StandardError);
    }

    [Fact]
    public async Task A_gateway_started_before_any_silo_says_it_is_waiting_for_the_cluster()
    {
        // Nothing listens on this Orleans gateway port: the gateway keeps trying and tells the operator why it is not ready.
        await using var gateway = ProductProcess.Start("Gateway", [.. InsecureListeners, $"--Orleans:GatewayPort={FreePort.Next()}"]);

        await gateway.WaitForOutputAsync("Waiting for the Orleans cluster (Localhost clustering), attempt 1", TimeSpan.FromSeconds(60));

        Assert.False(gateway.HasExited);
    }

    [Fact]
    public async Task An_argument_that_is_not_configuration_exits_2_naming_it()
    {
        var result = await ProductRun.RunAsync("Silo", ["dev", "--Gateway:Id=x", "verbose"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Equal("error: unknown argument \"verbose\"", Assert.Single(result.Errors));
    }

    [Theory]
    [InlineData("Silo")]
    [InlineData("Gateway")]
    public async Task A_bad_gateway_setting_exits_2_with_one_error_line_naming_the_key_and_no_stack_trace(string program)
    {
        var result = await ProductRun.RunAsync(program, [.. InsecureListeners, "--Gateway:Tunnels:WaitTimeout=-1"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: Gateway:Tunnels:WaitTimeout: ", Assert.Single(result.Errors));
        Assert.False(result.PrintedStackTrace, result.ToString());
    }

    [Fact]
    public async Task A_listener_setting_the_gateway_cannot_serve_is_reported_like_any_other_bad_setting()
    {
        // Kestrel reads the listeners while the application is built, before the start validates the rest.
        var result = await ProductRun.RunAsync("Gateway", ["--Gateway:TlsCertificateFile=", "--Gateway:TlsKeyFile="]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.Errors, e => e.StartsWith("error: Gateway:TlsCertificateFile: ", StringComparison.Ordinal));
        Assert.False(result.PrintedStackTrace, result.ToString());
    }

    [Fact]
    public async Task A_value_of_the_wrong_type_names_the_key_and_the_value()
    {
        var result = await ProductRun.RunAsync("Gateway", [.. InsecureListeners, "--Gateway:Tunnels:WaitTimeout=soon"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: Gateway:Tunnels:WaitTimeout: 'soon' is not a valid", Assert.Single(result.Errors));
        Assert.False(result.PrintedStackTrace, result.ToString());
    }

    [Fact]
    public async Task An_agent_with_a_missing_CA_file_exits_2_with_one_error_line_naming_the_key()
    {
        var result = await ProductRun.RunAsync("AgentK",
            ["--Agent:GatewayUrl=https://127.0.0.1:1", "--Agent:Token=t", "--Agent:GatewayCaFile=missing/gateway-ca.pem", "--Agent:ObservabilityUrl="]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.StartsWith("error: Agent:GatewayCaFile: file 'missing/gateway-ca.pem' does not exist", Assert.Single(result.Errors));
        Assert.False(result.PrintedStackTrace, result.ToString());
    }

    [Fact]
    public async Task Several_bad_agent_settings_are_each_one_error_line()
    {
        var result = await ProductRun.RunAsync("AgentK", ["--Agent:Cache:ListPageSize=0", "--Agent:Tunnels:MinIdle=-1", "--Agent:ObservabilityUrl="]);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(result.Errors, e => e.StartsWith("error: Agent:GatewayUrl: ", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("error: Agent:Cache:ListPageSize: ", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.StartsWith("error: Agent:Tunnels:MinIdle: ", StringComparison.Ordinal));
        Assert.False(result.PrintedStackTrace, result.ToString());
    }

    [Theory]
    [InlineData("Silo")]
    [InlineData("Gateway")]
    public async Task Orleans_on_a_shared_clustering_without_tls_files_exits_2_naming_the_files_and_the_opt_out(string program)
    {
        var result = await ProductRun.RunAsync(program,
            [.. InsecureListeners, "--Orleans:HostGateway=false", "--Orleans:ClusteringProvider=Redis", "--ConnectionStrings:Redis=127.0.0.1:1"]);

        Assert.True(result.ExitCode == 2, result.ToString());
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("error: Orleans:Tls: CertificateFile, KeyFile, CaFile (PEM) must be set: Orleans:ClusteringProvider is Redis", error);
        Assert.Contains("set Orleans:Tls:Enabled=false only on a private network you trust", error);
        Assert.False(result.PrintedStackTrace, result.ToString());
    }

    [Fact]
    public async Task Dotnet_run_reads_relative_paths_from_the_directory_it_was_typed_in()
    {
        // The docs run the agent against dev from the repository root with --Agent:GatewayCaFile=.plural-dev/gateway-ca.pem.
        var caller = Directory.CreateTempSubdirectory("plural-cwd-").FullName;
        try
        {
            var result = await ProductRun.DotnetRunAsync("AgentK",
                ["--Agent:GatewayUrl=https://127.0.0.1:1", "--Agent:Token=t", "--Agent:GatewayCaFile=.plural-dev/gateway-ca.pem", "--Agent:ObservabilityUrl="],
                workingDirectory: caller, timeout: TimeSpan.FromMinutes(2));

            Assert.True(result.ExitCode == 2, result.ToString());
            Assert.Equal($"error: Agent:GatewayCaFile: file '.plural-dev/gateway-ca.pem' does not exist (relative paths are read from {caller})",
                Assert.Single(result.Errors));
        }
        finally
        {
            Directory.Delete(caller, recursive: true);
        }
    }
}
