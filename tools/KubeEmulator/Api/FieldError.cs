using System.Text.Json.Nodes;

namespace Plural.KubeEmulator.Api;

/// <summary>One validation failure, as listed in <c>Status.details.causes</c>.</summary>
internal sealed record FieldError(string Field, string Reason, string Message)
{
    public static FieldError Required(string field, string detail = "") =>
        new(field, "FieldValueRequired", detail.Length == 0 ? "Required value" : $"Required value: {detail}");

    public static FieldError Immutable(string field, JsonNode? value) =>
        new(field, "FieldValueInvalid", $"Invalid value: {value?.ToJsonString() ?? "null"}: field is immutable");

    public static FieldError InvalidValue(string field, string value, string detail) =>
        new(field, "FieldValueInvalid", $"Invalid value: \"{value}\": {detail}");
}
