using System.Globalization;

namespace Plural.Bench.GitPolling;

/// <summary>The pollers' counters from a silo's Prometheus <c>/metrics</c>: polls by result, fetches, and the poll duration sum.</summary>
public readonly record struct SiloGitMetrics(double Unchanged, double Changed, double Failed, double Fetches, double DurationSum, double DurationCount)
{
    /// <summary>Scrapes the silo once.</summary>
    public static async Task<SiloGitMetrics> ReadAsync(HttpClient http, Uri siloUrl, CancellationToken ct)
    {
        var text = await http.GetStringAsync(new Uri(siloUrl, "/metrics"), ct);
        double unchanged = 0, changed = 0, failed = 0, fetches = 0, sum = 0, count = 0;
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith('#') || line.Length == 0)
            {
                continue;
            }

            var value = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            if (line.StartsWith("plural_git_polls_total", StringComparison.Ordinal))
            {
                if (line.Contains("result=\"unchanged\"", StringComparison.Ordinal))
                {
                    unchanged += value;
                }
                else if (line.Contains("result=\"changed\"", StringComparison.Ordinal))
                {
                    changed += value;
                }
                else
                {
                    failed += value;
                }
            }
            else if (line.StartsWith("plural_git_fetches_total", StringComparison.Ordinal))
            {
                fetches += value;
            }
            else if (line.StartsWith("plural_git_poll_duration_seconds_sum", StringComparison.Ordinal))
            {
                sum += value;
            }
            else if (line.StartsWith("plural_git_poll_duration_seconds_count", StringComparison.Ordinal))
            {
                count += value;
            }
        }

        return new SiloGitMetrics(unchanged, changed, failed, fetches, sum, count);
    }

    /// <summary>The counts between two scrapes.</summary>
    public static SiloGitMetrics operator -(SiloGitMetrics a, SiloGitMetrics b) =>
        new(a.Unchanged - b.Unchanged, a.Changed - b.Changed, a.Failed - b.Failed, a.Fetches - b.Fetches, a.DurationSum - b.DurationSum,
            a.DurationCount - b.DurationCount);
}
