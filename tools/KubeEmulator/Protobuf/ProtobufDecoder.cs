using System.Text;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;

namespace Plural.KubeEmulator.Protobuf;

/// <summary>
/// Decodes Kubernetes protobuf request bodies (the <c>k8s\0</c> envelope around runtime.Unknown) into the
/// JSON form of the object, dropping zero values the way Go's <c>omitempty</c> would.
/// </summary>
internal static class ProtobufDecoder
{
    public const string MediaType = "application/vnd.kubernetes.protobuf";
    private static readonly byte[] Magic = [0x6B, 0x38, 0x73, 0x00];

    public static JsonObject Decode(byte[] body)
    {
        if (body.Length < Magic.Length || !body.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw Errors.BadRequest("provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]");
        var envelope = Message("Unknown", body.AsSpan(Magic.Length));
        var kind = envelope["typeMeta"]?["kind"]?.GetValue<string>() ?? "";
        if (!ProtoSchema.IsKnown(kind) || kind is "Unknown" or "TypeMeta" or "ObjectMeta")
            throw Errors.UnsupportedMediaType($"the emulator cannot decode protobuf for kind \"{kind}\"; send it as application/json (for example kubectl create -f)");
        var raw = Convert.FromBase64String(envelope["raw"]?.GetValue<string>() ?? "");
        var o = Message(kind, raw);
        o["apiVersion"] = envelope["typeMeta"]?["apiVersion"]?.GetValue<string>();
        o["kind"] = kind;
        return o;
    }

    private static JsonObject Message(string message, ReadOnlySpan<byte> data)
    {
        var o = new JsonObject();
        var reader = new ProtoReader(data);
        while (!reader.End)
        {
            var (number, wireType) = reader.ReadTag();
            var field = ProtoSchema.Field(message, number);
            if (field is null)
            {
                reader.Skip(wireType);
                continue;
            }
            if (field.IsMap)
            {
                var (key, value) = MapEntry(field.Type[4..], reader.ReadBytes());
                if (o[field.Name] is not JsonObject map) o[field.Name] = map = new JsonObject();
                map[key] = value;
                continue;
            }
            var node = Value(field.Type, wireType, ref reader);
            if (field.Repeated)
            {
                if (o[field.Name] is not JsonArray list) o[field.Name] = list = new JsonArray();
                list.Add(node);
            }
            else if (node is not null && (field.KeepZero || !IsZero(node)))
            {
                o[field.Name] = node;
            }
        }
        return o;
    }

    private static JsonNode? Value(string type, int wireType, ref ProtoReader reader) => type switch
    {
        "string" => JsonValue.Create(Encoding.UTF8.GetString(reader.ReadBytes())),
        "bytes" => JsonValue.Create(Convert.ToBase64String(reader.ReadBytes())),
        "int32" => JsonValue.Create((int)reader.ReadVarint()),
        "int64" => JsonValue.Create((long)reader.ReadVarint()),
        "bool" => JsonValue.Create(reader.ReadVarint() != 0),
        "Quantity" => Message("Quantity", reader.ReadBytes())["string"]?.DeepClone(),
        "IntOrString" => IntOrString(reader.ReadBytes()),
        _ when wireType == 2 => Message(type, reader.ReadBytes()),
        _ => throw Errors.BadRequest($"unexpected wire type {wireType} for {type}"),
    };

    private static JsonNode? IntOrString(ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        long type = 0, intValue = 0;
        var text = "";
        while (!reader.End)
        {
            var (number, wireType) = reader.ReadTag();
            switch (number)
            {
                case 1: type = (long)reader.ReadVarint(); break;
                case 2: intValue = (int)reader.ReadVarint(); break;
                case 3: text = Encoding.UTF8.GetString(reader.ReadBytes()); break;
                default: reader.Skip(wireType); break;
            }
        }
        return type == 1 ? JsonValue.Create(text) : JsonValue.Create(intValue);
    }

    private static (string Key, JsonNode? Value) MapEntry(string valueType, ReadOnlySpan<byte> data)
    {
        var reader = new ProtoReader(data);
        var key = "";
        JsonNode? value = JsonValue.Create("");
        while (!reader.End)
        {
            var (number, wireType) = reader.ReadTag();
            if (number == 1) key = Encoding.UTF8.GetString(reader.ReadBytes());
            else if (number == 2) value = Value(valueType, wireType, ref reader);
            else reader.Skip(wireType);
        }
        return (key, value);
    }

    private static bool IsZero(JsonNode node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length == 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => !b,
        JsonValue v when v.TryGetValue<int>(out var i) => i == 0,
        JsonValue v when v.TryGetValue<long>(out var l) => l == 0,
        _ => false,
    };
}
