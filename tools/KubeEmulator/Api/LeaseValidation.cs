using System.Globalization;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;

namespace Plural.KubeEmulator.Api;

/// <summary>
/// The API server's validation of <c>coordination.k8s.io/v1</c> Leases (<c>ValidateLeaseSpec</c>): a positive duration,
/// no negative transition count, a preferred holder only with a strategy, and the one strategy the server knows. Leader
/// elections rely on nothing else; concurrency is the store's resourceVersion check, as for every kind.
/// </summary>
internal static class LeaseValidation
{
    private const string OldestEmulationVersion = "OldestEmulationVersion";

    public static void Validate(JsonObject o, List<FieldError> errors)
    {
        if (o.Long("spec", "leaseDurationSeconds") is { } duration && duration <= 0)
            errors.Add(new FieldError("spec.leaseDurationSeconds", "FieldValueInvalid", $"Invalid value: {duration}: must be greater than 0"));
        if (o.Long("spec", "leaseTransitions") is { } transitions && transitions < 0)
            errors.Add(new FieldError("spec.leaseTransitions", "FieldValueInvalid", $"Invalid value: {transitions}: must be greater than or equal to 0"));
        var strategy = o.Str("spec", "strategy");
        if (o.Str("spec", "preferredHolder") is { Length: > 0 } && string.IsNullOrEmpty(strategy))
            errors.Add(new FieldError("spec.preferredHolder", "FieldValueForbidden", "Forbidden: may only be specified if `strategy` is defined"));
        if (strategy is { Length: > 0 } && strategy != OldestEmulationVersion)
            errors.Add(new FieldError("spec.strategy", "FieldValueNotSupported", $"Unsupported value: \"{strategy}\": supported values: \"{OldestEmulationVersion}\""));
    }

    /// <summary>
    /// The server decodes <c>acquireTime</c> and <c>renewTime</c> as MicroTime before validating anything, so a value that
    /// is not a time is a 400 of the decoder, not a 422.
    /// </summary>
    public static void Decode(JsonObject o)
    {
        foreach (var field in new[] { "acquireTime", "renewTime" })
        {
            if (o.At("spec", field) is { } node && (node.GetValueKind() != System.Text.Json.JsonValueKind.String
                || !DateTimeOffset.TryParse(node.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out _)))
                throw Errors.BadRequest($"Lease in version \"v1\" cannot be handled as a Lease: parsing time {node.ToJsonString()} as \"2006-01-02T15:04:05.000000Z07:00\": cannot parse {node.ToJsonString()} as \"2006\"");
        }
    }
}
