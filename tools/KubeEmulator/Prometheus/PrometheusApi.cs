using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Prometheus;

/// <summary>
/// Prometheus' HTTP query API, <c>/api/v1/query</c> and <c>/api/v1/query_range</c>, by GET or by form POST, with its
/// JSON answers and its <c>bad_data</c> errors, over <see cref="PodSeries"/>.
/// </summary>
internal sealed class PrometheusApi(PodSeries series, TimeProvider time)
{
    /// <summary>Prometheus' own bound on the points of one series in a range query.</summary>
    private const int MaxPoints = 11_000;

    public Task QueryAsync(HttpContext context) => AnswerAsync(context, async parameters =>
    {
        var query = Parse(parameters);
        var at = parameters.TryGetValue("time", out var t) && t.Length > 0 ? Timestamp("time", t) : time.GetUtcNow();
        var pods = PodSeries.PodsAt(at, series.CurrentPods());
        var result = new JsonArray(PromEvaluator.Evaluate(query, series, pods)
            .Select(s => (JsonNode)new JsonObject { ["metric"] = Metric(s), ["value"] = Point(at, s.Value) }).ToArray());
        return await Task.FromResult(Data("vector", result));
    });

    public Task QueryRangeAsync(HttpContext context) => AnswerAsync(context, async parameters =>
    {
        var query = Parse(parameters);
        var start = Timestamp("start", parameters.GetValueOrDefault("start", ""));
        var end = Timestamp("end", parameters.GetValueOrDefault("end", ""));
        if (end < start) throw PromRequestError.InvalidParameter("end", "end timestamp must not be before start time");
        var step = Duration("step", parameters.GetValueOrDefault("step", ""));
        if (step <= TimeSpan.Zero) throw PromRequestError.InvalidParameter("step", "zero or negative query resolution step widths are not accepted. Try a positive integer");
        if ((end - start) / step > MaxPoints)
            throw new PromRequestError("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");

        var current = series.CurrentPods();
        var points = new SortedDictionary<string, (PromSample First, JsonArray Values)>(StringComparer.Ordinal);
        for (var at = start; at <= end; at += step)
        {
            foreach (var sample in PromEvaluator.Evaluate(query, series, PodSeries.PodsAt(at, current)))
            {
                if (!points.TryGetValue(sample.Key, out var line)) points[sample.Key] = line = (sample, []);
                line.Values.Add(Point(at, sample.Value));
            }
        }
        var result = new JsonArray(points.Values.Select(l => (JsonNode)new JsonObject { ["metric"] = Metric(l.First), ["values"] = l.Values }).ToArray());
        return await Task.FromResult(Data("matrix", result));
    });

    private static async Task AnswerAsync(HttpContext context, Func<Dictionary<string, string>, Task<JsonObject>> answer)
    {
        JsonObject body;
        var code = 200;
        try
        {
            body = await answer(await ParametersAsync(context.Request, context.RequestAborted));
        }
        catch (Exception e) when (e is PromRequestError or PromParseException or ArgumentException or RegexMatchTimeoutException)
        {
            code = 400;
            var message = e is PromParseException ? $"invalid parameter \"query\": {e.Message}" : e.Message;
            body = new JsonObject { ["status"] = "error", ["errorType"] = "bad_data", ["error"] = message };
        }
        await HttpJson.WriteAsync(context, code, body, context.RequestAborted);
    }

    private static PromExpression Parse(Dictionary<string, string> parameters) => PromParser.Parse(parameters.GetValueOrDefault("query", ""));

    /// <summary>The query string and, for a form POST, its body, as Prometheus reads both.</summary>
    private static async Task<Dictionary<string, string>> ParametersAsync(HttpRequest request, CancellationToken ct)
    {
        var parameters = request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        if (request.HasFormContentType)
        {
            foreach (var (key, value) in await request.ReadFormAsync(ct)) parameters[key] = value.ToString();
        }
        return parameters;
    }

    private static DateTimeOffset Timestamp(string name, string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000));
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) && text.Contains('T'))
            return parsed;
        throw PromRequestError.InvalidParameter(name, $"cannot parse \"{text}\" to a valid timestamp");
    }

    /// <summary>Seconds as a number, or a Prometheus duration such as <c>15s</c>, <c>1m</c>, <c>2h</c>.</summary>
    private static TimeSpan Duration(string name, string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds))
            return TimeSpan.FromSeconds(seconds);
        var unit = text.Length > 1 && text.EndsWith("ms", StringComparison.Ordinal) ? "ms" : text.Length > 0 ? text[^1..] : "";
        if (long.TryParse(text[..^unit.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            switch (unit)
            {
                case "ms": return TimeSpan.FromMilliseconds(amount);
                case "s": return TimeSpan.FromSeconds(amount);
                case "m": return TimeSpan.FromMinutes(amount);
                case "h": return TimeSpan.FromHours(amount);
                case "d": return TimeSpan.FromDays(amount);
            }
        }
        throw PromRequestError.InvalidParameter(name, $"cannot parse \"{text}\" to a valid duration");
    }

    private static JsonObject Data(string type, JsonArray result) =>
        new() { ["status"] = "success", ["data"] = new JsonObject { ["resultType"] = type, ["result"] = result } };

    private static JsonObject Metric(PromSample sample) =>
        new(sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => KeyValuePair.Create(l.Key, (JsonNode?)l.Value)));

    /// <summary><c>[unix seconds with milliseconds, "value"]</c>, the value as Go formats a float.</summary>
    private static JsonArray Point(DateTimeOffset at, double value) =>
        new(JsonValue.Create(at.ToUnixTimeMilliseconds() / 1000m), 
            double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : value.ToString("R", CultureInfo.InvariantCulture));
}
