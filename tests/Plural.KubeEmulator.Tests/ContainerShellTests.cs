using k8s;
using Plural.KubeEmulator.Tests.Support;

namespace Plural.KubeEmulator.Tests;

/// <summary>What scripts see of the emulated container's shell and commands, through KubernetesClient exec.</summary>
public sealed class ContainerShellTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public static TheoryData<string, string, string, int> Scripts => new()
    {
        { "echo a b   c", "a b c\n", "", 0 },
        { "X=1; echo \"$X\" '$X' ${X} ${UNSET:-fallback} ${#GREETING}", "1 $X 1 fallback 14\n", "", 0 },
        { "false; echo $?; true && echo and || echo or", "1\nand\n", "", 0 },
        { "! true; echo $?", "1\n", "", 0 },
        { "echo hidden >/dev/null; echo shown >&2 2>&1; echo order 2>&1 >&2", "order\n", "shown\n", 0 },
        { "echo piped | cat | cat", "piped\n", "", 0 },
        { "cd /etc && pwd && cd /nowhere", "/etc\n", "sh: 1: cd: can't cd to /nowhere\n", 2 },
        { "set -e; echo before; false; echo after", "before\n", "", 1 },
        { "set -x; echo traced", "traced\n", "+ echo traced\n", 0 },
        { "exit nope", "", "sh: 1: exit: Illegal number: nope\n", 2 },
        { "echo 'unterminated", "", "sh: 1: Syntax error: Unterminated quoted string\n", 2 },
        { "echo ok;\nfoo", "ok\n", "sh: 2: foo: not found\n", 127 },
        { "if true; then echo x; fi", "", "sh: 1: Syntax error: \"if\" is not supported by this shell\n", 2 },
        { "echo x > /tmp/file", "", "sh: 1: cannot create /tmp/file: Read-only file system\n", 2 },
        { "cat < /etc/hostname; cat /etc/nothing", "box\n", "cat: /etc/nothing: No such file or directory\n", 1 },
        { "env | grep -q x", "", "sh: 1: grep: not found\n", 127 },
        { "printenv GREETING HOSTNAME; env | cat >/dev/null", "hello from box\nbox\n", "", 0 },
        { "sleep 0.1 && echo slept; sleep x", "slept\n", "sleep: invalid time interval 'x'\nTry 'sleep --help' for more information.\n", 1 },
        { "/bin/echo full path; /usr/bin/nope", "full path\n", "sh: 1: /usr/bin/nope: not found\n", 127 },
        { "ls /var/run/secrets/kubernetes.io/serviceaccount; ls /missing", "ca.crt\nnamespace\ntoken\n", "ls: cannot access '/missing': No such file or directory\n", 2 },
    };

    [Theory]
    [MemberData(nameof(Scripts))]
    public async Task Shell_scripts_behave_like_dash(string script, string stdout, string stderr, int exitCode)
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");
        using var client = cluster.Client();
        using var cts = new CancellationTokenSource(Timeout);
        string output = "", errors = "";

        var code = await client.NamespacedPodExecAsync("box", "default", "box", ["sh", "-c", script], tty: false, async (_, o, e) =>
        {
            var readOut = new StreamReader(o).ReadToEndAsync(cts.Token);
            var readErr = new StreamReader(e).ReadToEndAsync(cts.Token);
            (output, errors) = (await readOut, await readErr);
        }, cts.Token);

        Assert.Equal((stdout, stderr, exitCode), (output, errors, code));
    }

    [Fact]
    public async Task Commands_see_the_pod_through_their_environment_and_files()
    {
        await using var cluster = await TestCluster.StartAsync();
        await Pods.RunningAsync(cluster, "box");

        var env = (await cluster.Kubectl.RunAsync("exec", "box", "--", "env")).EnsureSuccess().Stdout.Split('\n');
        var hosts = (await cluster.Kubectl.RunAsync("exec", "box", "--", "cat", "/etc/hosts", "/var/run/secrets/kubernetes.io/serviceaccount/namespace")).EnsureSuccess().Stdout;
        var date = (await cluster.Kubectl.RunAsync("exec", "box", "--", "date", "+%Y")).EnsureSuccess().Stdout;
        var uname = (await cluster.Kubectl.RunAsync("exec", "box", "--", "uname", "-n")).EnsureSuccess().Stdout;

        Assert.Contains("HOSTNAME=box", env);
        Assert.Contains("GREETING=hello from box", env);
        Assert.Contains("KUBERNETES_SERVICE_HOST=10.96.0.1", env);
        Assert.Contains("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", env);
        Assert.Contains("\tbox\n", hosts);
        Assert.EndsWith("default", hosts);
        Assert.Equal(DateTime.UtcNow.Year + "\n", date);
        Assert.Equal("box\n", uname);
    }
}
