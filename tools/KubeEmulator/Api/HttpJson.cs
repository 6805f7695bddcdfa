using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Plural.KubeEmulator.Json;
using YamlDotNet.Core;

namespace Plural.KubeEmulator.Api;

/// <summary>Reading request bodies and writing JSON responses the way Kubernetes clients expect.</summary>
internal static class HttpJson
{
    public const string JsonType = "application/json";
    private const int MaxBodyBytes = 3 * 1024 * 1024;

    public static async Task WriteAsync(HttpContext context, int statusCode, JsonNode node, CancellationToken ct, string contentType = JsonType)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = contentType;
        var bytes = JsonSerializer.SerializeToUtf8Bytes(node, JsonTree.WriteOptions);
        await context.Response.Body.WriteAsync(bytes, ct);
    }

    public static Task WriteStatusAsync(HttpContext context, ApiException error, CancellationToken ct) =>
        WriteAsync(context, error.Code, error.ToStatus(), ct);

    public static async Task<byte[]> ReadBytesAsync(HttpRequest request, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes) throw new ApiException(413, "RequestEntityTooLarge", "Request entity too large: limit is 3145728");
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    /// <summary>Reads a create/update body; JSON and YAML are accepted like on the real server.</summary>
    public static async Task<JsonObject> ReadObjectAsync(HttpRequest request, CancellationToken ct)
    {
        var mediaType = MediaType(request.ContentType) ?? JsonType;
        if (mediaType == Protobuf.ProtobufDecoder.MediaType) return Protobuf.ProtobufDecoder.Decode(await ReadBytesAsync(request, ct));
        if (mediaType is not (JsonType or "application/yaml" or "*/*"))
            throw Errors.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        var bytes = await ReadBytesAsync(request, ct);
        return ParseObject(bytes, mediaType == "application/yaml");
    }

    public static JsonObject ParseObject(byte[] bytes, bool yaml)
    {
        var node = yaml ? ParseYaml(bytes) : ParseJson(bytes);
        return node as JsonObject ?? throw Errors.BadRequest("Object 'Kind' is missing in '" + Encoding.UTF8.GetString(bytes.AsSpan(0, Math.Min(bytes.Length, 200))) + "'");
    }

    public static JsonNode? ParseJson(byte[] bytes)
    {
        try
        {
            return JsonTree.Parse(bytes);
        }
        catch (JsonException e)
        {
            throw Errors.BadRequest($"couldn't get version/kind; json parse error: {e.Message}");
        }
    }

    public static JsonNode? ParseYaml(byte[] bytes)
    {
        try
        {
            return YamlJson.Parse(Encoding.UTF8.GetString(bytes));
        }
        catch (YamlException e)
        {
            throw Errors.BadRequest($"error converting YAML to JSON: yaml: line {e.Start.Line}: {e.Message}");
        }
    }

    public static string? MediaType(string? contentType) =>
        string.IsNullOrWhiteSpace(contentType) ? null : contentType.Split(';')[0].Trim().ToLowerInvariant();
}
