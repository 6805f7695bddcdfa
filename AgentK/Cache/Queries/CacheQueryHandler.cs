using System.Text;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Microsoft.Extensions.Options;
using Plural.AgentK.Local;
using Plural.Protocol.Agent;
using Plural.Protocol.Kubernetes;
using ProtoObject = Plural.Protocol.Agent.CacheItem;

namespace Plural.AgentK.Cache.Queries;

/// <summary>
/// Answers <c>POST /cache/query</c> (a protobuf <see cref="CacheQuery"/>) from the informer cache, never from the
/// API server. 400 for a bad query, 404 for a kind the agent does not cache, 503 until the kind has synced.
/// </summary>
internal sealed partial class CacheQueryHandler(ClusterCache cache, IOptions<CacheOptions> options) : IAgentRequestHandler
{
    public const string QueryPath = "/cache/query";
    public const string ProtobufContentType = "application/x-protobuf";

    public Task<AgentResponse> HandleAsync(AgentRequest request, CancellationToken cancellationToken)
    {
        if (!cache.Enabled)
        {
            return Task.FromResult(Text(404, "the agent runs no informers (Agent:Cache:Enabled is false)"));
        }

        if (request.Path != QueryPath)
        {
            return Task.FromResult(Text(404, $"the agent serves no {request.Path}"));
        }

        if (!string.Equals(request.Method, "POST", StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(Text(405, $"{QueryPath} takes POST"));
        }

        CacheQuery query;
        try
        {
            query = CacheQuery.Parser.ParseFrom(request.Body.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            return Task.FromResult(Text(400, "the body is not a plural.agent.v1.CacheQuery message"));
        }

        try
        {
            var result = Answer(query);
            return Task.FromResult(new AgentResponse(200, ProtobufContentType, result.ToByteArray()));
        }
        catch (QueryException failure)
        {
            return Task.FromResult(Text(failure.Status, failure.Message));
        }
    }

    /// <summary>Runs a query against the cache; throws <see cref="QueryException"/> when it cannot.</summary>
    public CacheQueryResult Answer(CacheQuery query)
    {
        var name = query.Kind.Trim();
        if (!KindName().IsMatch(name))
        {
            throw QueryException.BadRequest($"kind: \"{query.Kind}\" is not a resource name (pods, Deployment, sts, certificates.cert-manager.io)");
        }

        var store = cache.Store(name)
            ?? throw new QueryException(404, $"kind: this agent does not cache {ResourceKinds.Find(name)?.Plural ?? name} (Agent:Cache:Kinds or cache.kinds in its configuration)");
        var kind = store.Kind;
        if (!store.Synced)
        {
            throw new QueryException(503, store.LastError is { } error
                ? $"the cache of {kind.Plural} has not synced yet: {error}"
                : $"the cache of {kind.Plural} has not synced yet");
        }

        var limits = options.Value;
        if (query.Limit < 0)
        {
            throw QueryException.BadRequest("limit: must not be negative");
        }

        var limit = query.Limit == 0 ? limits.DefaultQueryLimit : Math.Min(query.Limit, limits.MaxQueryLimit);
        LabelSelector labels;
        try
        {
            labels = LabelSelector.Parse(query.LabelSelector);
        }
        catch (FormatException bad)
        {
            throw QueryException.BadRequest("label_selector: " + bad.Message);
        }

        var fields = FieldSelector.Parse(query.FieldSelector, kind);
        var ns = query.Namespace.Trim();

        var matches = store.Objects
            .Where(o => ns.Length == 0 || o.Namespace == ns)
            .Where(o => labels.Matches(o.Labels) && fields.Matches(o))
            .ToList();
        var result = new CacheQueryResult
        {
            Kind = kind.Kind,
            Count = matches.Count,
            Complete = !store.Truncated,
            SyncedAt = Timestamp.FromDateTimeOffset(store.ChangedAt),
            IncompleteReason = store.TruncatedBy ?? "",
        };
        if (!query.CountOnly)
        {
            if (matches.Count > limit && result.Complete)
            {
                result.Complete = false;
                result.IncompleteReason = $"items cut at the query's limit of {limit}";
            }

            result.Items.AddRange(matches
                .OrderBy(o => o.Namespace, StringComparer.Ordinal)
                .ThenBy(o => o.Name, StringComparer.Ordinal)
                .Take(limit)
                .Select(ToProto));
        }

        return result;
    }

    private static ProtoObject ToProto(CachedObject item)
    {
        var proto = new ProtoObject
        {
            Kind = item.Kind,
            Namespace = item.Namespace,
            Name = item.Name,
            ResourceVersion = item.ResourceVersion,
        };
        foreach (var (key, value) in item.Labels)
        {
            proto.Labels[key] = value;
        }

        foreach (var (path, value) in item.Fields)
        {
            proto.Fields[path] = value;
        }

        if (item.CreatedAt is { } created)
        {
            proto.CreatedAt = Timestamp.FromDateTimeOffset(created);
        }

        return proto;
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$")]
    private static partial System.Text.RegularExpressions.Regex KindName();

    private static AgentResponse Text(int status, string message) => new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(message));
}
