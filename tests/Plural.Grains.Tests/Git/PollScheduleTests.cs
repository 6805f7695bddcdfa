using Plural.Grains.Git;

namespace Plural.Grains.Tests.Git;

public sealed class PollScheduleTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly GitOptions Options = new()
    {
        PollInterval = TimeSpan.FromMinutes(1), PollJitter = 0.1, MaxBackoff = TimeSpan.FromMinutes(10),
    };

    [Theory]
    [InlineData(0, 60)]
    [InlineData(1, 60)]
    [InlineData(2, 120)]
    [InlineData(4, 480)]
    [InlineData(5, 600)]
    [InlineData(1000, 600)]
    public void Each_failure_in_a_row_doubles_the_wait_up_to_the_cap(int failures, int seconds)
    {
        var schedule = new PollSchedule(Options, new Clock(Start), new FixedRandom(0.5));

        Assert.Equal(TimeSpan.FromSeconds(seconds), schedule.AfterCheck(failures));
    }

    [Theory]
    [InlineData(0.0, 54)]
    [InlineData(0.5, 60)]
    [InlineData(1.0, 66)]
    public void Jitter_moves_the_wait_by_at_most_its_fraction(double random, int seconds)
    {
        var schedule = new PollSchedule(Options, new Clock(Start), new FixedRandom(random));

        Assert.Equal(TimeSpan.FromSeconds(seconds), schedule.Steady());
        Assert.Equal(TimeSpan.FromSeconds(seconds * 10), schedule.AfterCheck(20));
    }

    [Fact]
    public void After_activation_the_rest_of_the_interval_is_waited_or_none_if_it_passed()
    {
        var schedule = new PollSchedule(Options, new Clock(Start));

        Assert.Equal(TimeSpan.FromSeconds(45), schedule.AfterActivation(Start - TimeSpan.FromSeconds(15)));
        Assert.Equal(TimeSpan.Zero, schedule.AfterActivation(Start - TimeSpan.FromMinutes(3)));
        Assert.Equal(TimeSpan.Zero, schedule.AfterActivation(null));
    }

    [Fact]
    public void A_check_is_due_once_its_time_has_come_and_never_while_stopped()
    {
        var clock = new Clock(Start);
        var schedule = new PollSchedule(Options, clock);
        Assert.False(schedule.IsDue);

        schedule.DueIn(TimeSpan.FromSeconds(30));
        Assert.Equal(Start + TimeSpan.FromSeconds(30), schedule.NextPollAt);
        clock.Now += TimeSpan.FromSeconds(29);
        Assert.False(schedule.IsDue);
        clock.Now += TimeSpan.FromSeconds(1);
        Assert.True(schedule.IsDue);

        schedule.Stop();
        Assert.Null(schedule.NextPollAt);
        Assert.False(schedule.IsDue);
        Assert.Equal(TimeSpan.FromSeconds(15), schedule.Tick);
    }

    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private sealed class FixedRandom(double value) : Random
    {
        public override double NextDouble() => value;
    }
}
