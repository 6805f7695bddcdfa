using System.Diagnostics.Metrics;

namespace Plural.Grains.Tests.Git;

/// <summary>
/// Listens to the instruments of one meter created by one meter factory (one silo's), and adds up what they record
/// per instrument and tag set, so tests in parallel on other silos in the process do not count.
/// </summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Lock _gate = new();
    private readonly List<(string Instrument, string Tags, double Value)> _measurements = [];

    public MeasurementRecorder(IMeterFactory factory, string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Sum of the values <paramref name="instrument"/> recorded with a tag set containing <paramref name="tag"/>.</summary>
    public double Sum(string instrument, string tag = "")
    {
        lock (_gate)
        {
            return _measurements.Where(m => m.Instrument == instrument && m.Tags.Contains(tag, StringComparison.Ordinal)).Sum(m => m.Value);
        }
    }

    /// <summary>How many values <paramref name="instrument"/> recorded with a tag set containing <paramref name="tag"/>.</summary>
    public int Count(string instrument, string tag = "")
    {
        lock (_gate)
        {
            return _measurements.Count(m => m.Instrument == instrument && m.Tags.Contains(tag, StringComparison.Ordinal));
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var text = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
        lock (_gate)
        {
            _measurements.Add((instrument.Name, text, value));
        }
    }
}
