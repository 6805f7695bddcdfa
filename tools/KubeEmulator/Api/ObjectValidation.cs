using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Selectors;
using Plural.Protocol.Kubernetes;

namespace Plural.KubeEmulator.Api;

/// <summary>The subset of API validation users actually trip over; failures are 422 Invalid with field causes.</summary>
internal static partial class ObjectValidation
{
    private const string SubdomainHelp = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string LabelHelp = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

    private const int MaxAnnotationBytes = 256 * 1024;

    public static void Validate(ResourceKind kind, JsonObject o)
    {
        if (kind.Kind == "Lease" && kind.Group == "coordination.k8s.io") LeaseValidation.Decode(o);
        var errors = new List<FieldError>();
        var name = o.Name();
        if (name.Length == 0) errors.Add(FieldError.Required("metadata.name", "name or generateName is required"));
        else if (RbacValidation.IsRbacKind(kind.Kind))
        {
            if (RbacValidation.NameProblem(name) is { } problem) errors.Add(FieldError.InvalidValue("metadata.name", name, problem));
        }
        else if (kind.Kind is "Namespace" or "Service" ? !LabelPattern().IsMatch(name) || name.Length > 63 : !SubdomainPattern().IsMatch(name) || name.Length > 253)
            errors.Add(FieldError.InvalidValue("metadata.name", name, kind.Kind is "Namespace" or "Service" ? LabelHelp : SubdomainHelp));
        Labels(o, errors);
        var annotationBytes = JsonTree.StringMap(o.At("metadata", "annotations")).Sum(kv => kv.Key.Length + kv.Value.Length);
        if (annotationBytes > MaxAnnotationBytes)
            errors.Add(new FieldError("metadata.annotations", "FieldValueTooLong", $"Too long: must have at most {MaxAnnotationBytes} bytes"));
        switch (kind.Kind)
        {
            case "Pod":
                Containers(o["spec"]?["containers"], "spec.containers", errors);
                break;
            case "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet":
                Workload(o, errors);
                break;
            case "CustomResourceDefinition":
                Crd(o, errors);
                break;
            case var rbac when RbacValidation.IsRbacKind(rbac):
                RbacValidation.Validate(rbac, o, errors);
                break;
            case "Lease" when kind.Group == "coordination.k8s.io":
                LeaseValidation.Validate(o, errors);
                break;
        }
        if (errors.Count > 0) throw Errors.Invalid(kind.Kind, kind.Group, name, errors);
    }

    /// <summary>Rules that compare the new object with the stored one: fields the real server treats as immutable.</summary>
    public static void ValidateUpdate(ResourceKind kind, JsonObject current, JsonObject next)
    {
        var errors = new List<FieldError>();
        if (kind.Kind is "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet" && !JsonNode.DeepEquals(current.At("spec", "selector"), next.At("spec", "selector")))
            errors.Add(FieldError.Immutable("spec.selector", next.At("spec", "selector")));
        if (kind.Kind == "Service" && current.Str("spec", "clusterIP") is { } ip && next.Str("spec", "clusterIP") is { } nextIp && ip != nextIp)
            errors.Add(FieldError.Immutable("spec.clusterIPs[0]", next.At("spec", "clusterIP")));
        if (kind.Kind is "ConfigMap" or "Secret" && current.Bool("immutable") == true)
        {
            if (!JsonNode.DeepEquals(current["data"], next["data"]) || !JsonNode.DeepEquals(current["binaryData"], next["binaryData"]))
                errors.Add(new FieldError("data", "FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set"));
            if (next.Bool("immutable") != true) errors.Add(new FieldError("immutable", "FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set"));
        }
        RbacValidation.ValidateUpdate(kind.Kind, current, next, errors);
        if (errors.Count > 0) throw Errors.Invalid(kind.Kind, kind.Group, next.Name(), errors);
    }

    private static void Labels(JsonObject o, List<FieldError> errors)
    {
        foreach (var (key, value) in o.Labels())
        {
            if (!LabelSyntax.IsValidKey(key))
                errors.Add(FieldError.InvalidValue("metadata.labels", key, "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"));
            if (!LabelSyntax.IsValidValue(value))
                errors.Add(FieldError.InvalidValue("metadata.labels", value, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"));
        }
    }

    private static void Workload(JsonObject o, List<FieldError> errors)
    {
        if (o.At("spec", "selector") is not JsonObject selector)
        {
            errors.Add(FieldError.Required("spec.selector"));
            return;
        }
        var templateLabels = JsonTree.StringMap(o.At("spec", "template", "metadata", "labels"));
        if (!LabelSelectors.FromObject(selector).Matches(templateLabels))
            errors.Add(FieldError.InvalidValue("spec.template.metadata.labels", string.Join(",", templateLabels.Select(kv => $"{kv.Key}:{kv.Value}")), "`selector` does not match template `labels`"));
        Containers(o.At("spec", "template", "spec", "containers"), "spec.template.spec.containers", errors);
    }

    private static void Containers(JsonNode? containers, string field, List<FieldError> errors)
    {
        var list = containers.Objects().ToList();
        if (list.Count == 0) errors.Add(FieldError.Required(field));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Str("name") is null) errors.Add(FieldError.Required($"{field}[{i}].name"));
            if (list[i].Str("image") is null) errors.Add(FieldError.Required($"{field}[{i}].image"));
        }
    }

    private static void Crd(JsonObject o, List<FieldError> errors)
    {
        var group = o.Str("spec", "group");
        var plural = o.Str("spec", "names", "plural");
        if (group is null) errors.Add(FieldError.Required("spec.group"));
        if (plural is null) errors.Add(FieldError.Required("spec.names.plural"));
        if (o.Str("spec", "names", "kind") is null) errors.Add(FieldError.Required("spec.names.kind"));
        if (!o.At("spec", "versions").Objects().Any()) errors.Add(FieldError.Required("spec.versions", "must have exactly one version marked as storage version"));
        if (group is not null && plural is not null && o.Name() != $"{plural}.{group}")
            errors.Add(FieldError.InvalidValue("metadata.name", o.Name(), "must be spec.names.plural+\".\"+spec.group"));
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex LabelPattern();
}
