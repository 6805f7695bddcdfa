using Plural.Bench.Processes;

namespace Plural.Bench.Tests;

public sealed class CpuAccountingTests
{
    [Fact]
    public void The_machine_line_counts_user_nice_system_irq_softirq_and_steal_as_busy_and_guest_not_twice()
    {
        // user nice system idle iowait irq softirq steal guest guest_nice
        var (busy, total) = ProcessStats.ParseMachineTicks("cpu  5444662 395192 821763 2187627 11152 0 34719 9131 700 0");

        Assert.Equal(5444662 + 395192 + 821763 + 0 + 34719 + 9131, busy);
        Assert.Equal(busy + 2187627 + 11152, total);
    }

    [Theory]
    [InlineData("cpu0 1 2 3 4 5 6 7 8 0 0")]
    [InlineData("cpu 1 2 3")]
    [InlineData("intr 1 2 3 4 5 6 7 8 9")]
    public void A_line_that_is_not_the_aggregate_cpu_line_is_refused(string line) =>
        Assert.Throws<FormatException>(() => ProcessStats.ParseMachineTicks(line));

    [Fact]
    public void A_process_name_with_spaces_and_parentheses_does_not_shift_the_fields()
    {
        var fields = ProcessStats.FieldsAfterName("4242 (ssh -R (bench)) S 1 4242 4242 0 -1 4194560 500 0 0 0 1234 567 89 10 20 0 1 0 100 2000000 300 18446744073709551615\n");

        Assert.NotNull(fields);
        Assert.Equal("S", fields[0]);
        Assert.Equal("1", fields[1]);
        // utime and stime, then cutime and cstime: the process's own time and that of the children it reaped.
        Assert.Equal(("1234", "567", "89", "10"), (fields[11], fields[12], fields[13], fields[14]));
        Assert.Equal("300", fields[21]);
    }

    [Fact]
    public void A_window_gives_each_process_the_client_and_the_rest_of_the_machine_per_request_and_as_a_share()
    {
        var before = new CpuSnapshot(["gateway", "agent"], [10.0, 4.0], 2.0, 100.0, 400.0);
        // 2 s on 2 cores: 4 core-seconds, of which 3 busy: gateway 1, agent 0.5, client 0.5, others 1.
        var after = new CpuSnapshot(["gateway", "agent"], [11.0, 4.5], 2.5, 103.0, 404.0);

        var cpu = before.Until(after);

        Assert.Equal([new ComponentCpu("gateway", 1.0), new ComponentCpu("agent", 0.5)], cpu.Processes);
        Assert.Equal(1.5, cpu.RouteSeconds, 9);
        Assert.Equal(0.5, cpu.ClientSeconds, 9);
        Assert.Equal(1.0, cpu.OtherSeconds, 9);
        Assert.Equal(0.75, cpu.ShareOfMachine(cpu.MachineBusySeconds), 9);
        Assert.Equal(100, PointCpu.MicrosPerRequest(cpu.RouteSeconds, 15_000), 9);
    }

    [Fact]
    public void A_process_that_went_away_during_the_window_counts_nothing_rather_than_less_than_nothing()
    {
        var before = new CpuSnapshot(["agent"], [4.0], 2.0, 100.0, 400.0);
        var after = new CpuSnapshot(["agent"], [0.0], 2.1, 100.5, 401.0);

        Assert.Equal(0, before.Until(after).Processes[0].Seconds);
    }
}
