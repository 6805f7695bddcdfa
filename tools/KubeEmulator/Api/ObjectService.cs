using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Patching;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Storage;

namespace Plural.KubeEmulator.Api;

/// <summary>
/// The write semantics of the API server on top of <see cref="ObjectStore"/>: defaults, validation,
/// generation, optimistic concurrency, status isolation, finalizers and field ownership. Used by the
/// HTTP handlers and by the built-in controllers alike. A null manager means an internal controller write.
/// </summary>
internal sealed class ObjectService(ObjectStore store, TimeProvider time)
{
    private readonly ClusterNetwork _network = new();

    public ObjectStore Store => store;

    public DateTimeOffset Now => time.GetUtcNow();

    public JsonObject Get(ResourceKind kind, string? ns, string name) =>
        store.Get(kind.StorageKey, ns, name) ?? throw Errors.NotFound(kind.GroupResource, name);

    public JsonObject? Find(ResourceKind kind, string? ns, string name) => store.Get(kind.StorageKey, ns, name);

    public List<JsonObject> List(ResourceKind kind, string? ns = null) => store.List(kind.StorageKey, ns).Items;

    public JsonObject Create(ResourceKind kind, string? ns, JsonObject body, string? manager, JsonNode? appliedManagedFields = null, bool dryRun = false)
    {
        var o = Prepare(kind, ns, body);
        var metadata = o.Metadata();
        if (o.Name().Length == 0 && metadata.Str("generateName") is { Length: > 0 } prefix) metadata["name"] = prefix + RandomSuffix();
        ObjectValidation.Validate(kind, o);
        if (kind.Namespaced) RequireActiveNamespace(ns!);
        foreach (var field in new[] { "resourceVersion", "uid", "deletionTimestamp", "deletionGracePeriodSeconds", "managedFields", "selfLink" }) metadata.Remove(field);
        metadata["uid"] = Guid.NewGuid().ToString();
        metadata["creationTimestamp"] = KubeTime.Format(Now);
        metadata["generation"] = 1;
        if (kind.HasStatus) o.Remove("status");
        ObjectDefaults.Apply(o, _network);
        if (appliedManagedFields is not null) metadata["managedFields"] = appliedManagedFields.DeepClone();
        else if (manager is not null) FieldOwnership.RecordUpdate(kind, null, o, manager, null, Now);
        return store.Write(kind.StorageKey, ns, o.Name(), current =>
            current is null ? StoreWrite.Put(o) : throw Errors.AlreadyExists(kind.GroupResource, o.Name()), dryRun)!;
    }

    /// <summary>PUT semantics: the body replaces the object; its resourceVersion, when given, must be current.</summary>
    public JsonObject Replace(ResourceKind kind, string? ns, string name, JsonObject body, string? manager, string? subresource, bool dryRun = false)
    {
        var o = Prepare(kind, ns, body);
        if (o.Name() != name) throw Errors.BadRequest($"the name of the object ({o.Name()}) does not match the name on the URL ({name})");
        return Change(kind, ns, name, _ => o, manager, subresource, dryRun);
    }

    /// <summary>Read-modify-write under the store lock; <paramref name="change"/> gets a private copy of the live object.</summary>
    public JsonObject Change(ResourceKind kind, string? ns, string name, Func<JsonObject, JsonObject> change, string? manager, string? subresource, bool dryRun = false)
    {
        return store.Write(kind.StorageKey, ns, name, current =>
        {
            if (current is null) throw Errors.NotFound(kind.GroupResource, name);
            var next = change(current.CloneObject());
            ObjectShape.Check(next);
            return Commit(kind, current, next, manager, subresource);
        }, dryRun)!;
    }

    /// <summary>Server-side apply, creating the object when it does not exist yet.</summary>
    public JsonObject Apply(ResourceKind kind, string? ns, string name, JsonObject applied, string manager, bool force, string? subresource, bool dryRun = false)
    {
        var o = Prepare(kind, ns, applied);
        if (o.Name() != name) throw Errors.BadRequest($"the name of the object ({o.Name()}) does not match the name on the URL ({name})");
        var existing = store.Get(kind.StorageKey, ns, name);
        if (existing is null && subresource is null)
        {
            var created = ServerSideApply.Apply(kind, null, o, manager, force, null, Now);
            return Create(kind, ns, created, null, created.At("metadata", "managedFields") ?? new JsonArray(), dryRun);
        }
        return Change(kind, ns, name, current => ServerSideApply.Apply(kind, current, o, manager, force, subresource, Now), null, subresource, dryRun);
    }

    public JsonObject? Delete(ResourceKind kind, string? ns, string name, DeleteRequest request, bool dryRun = false)
    {
        var result = store.Write(kind.StorageKey, ns, name, current =>
        {
            if (current is null) throw Errors.NotFound(kind.GroupResource, name);
            if (request.Uid is { } uid && current.Str("metadata", "uid") != uid)
                throw Errors.Conflict(kind.GroupResource, name, $"Precondition failed: UID in precondition: {uid}, UID in object meta: {current.Str("metadata", "uid")}");
            if (request.ResourceVersion is { } rv && current.Str("metadata", "resourceVersion") != rv)
                throw Errors.Conflict(kind.GroupResource, name, $"Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {current.Str("metadata", "resourceVersion")}");
            var next = current.CloneObject();
            var finalizers = next.Metadata()["finalizers"] as JsonArray ?? new JsonArray();
            var policyFinalizer = request.Propagation switch
            {
                "Foreground" => Finalizers.Foreground,
                "Orphan" => Finalizers.Orphan,
                _ => null,
            };
            if (policyFinalizer is not null && !finalizers.Strings().Contains(policyFinalizer)) finalizers.Add(policyFinalizer);
            var terminatingNamespace = kind.Kind == "Namespace";
            if (finalizers.Count == 0 && !terminatingNamespace) return StoreWrite.Delete;
            if (current.At("metadata", "deletionTimestamp") is not null && policyFinalizer is null) return StoreWrite.Keep;
            next.Metadata()["finalizers"] = finalizers.Count == 0 ? null : finalizers;
            if (finalizers.Count == 0) next.Metadata().Remove("finalizers");
            next.Metadata()["deletionTimestamp"] = KubeTime.Format(Now);
            next.Metadata()["deletionGracePeriodSeconds"] = 0;
            if (terminatingNamespace) next.Obj("status")["phase"] = "Terminating";
            return StoreWrite.Put(next);
        }, dryRun);
        return result;
    }

    private StoreWrite Commit(ResourceKind kind, JsonObject current, JsonObject next, string? manager, string? subresource)
    {
        var currentRv = current.Str("metadata", "resourceVersion");
        if (next.Str("metadata", "resourceVersion") is { Length: > 0 } rv && rv != currentRv)
            throw Errors.StaleResourceVersion(kind.GroupResource, current.Name());
        if (subresource == "status")
        {
            var statusOnly = current.CloneObject();
            statusOnly["status"] = next["status"]?.DeepClone();
            if (next.At("metadata", "managedFields") is { } mf) statusOnly.Metadata()["managedFields"] = mf.DeepClone();
            next = statusOnly;
        }
        else if (kind.HasStatus)
        {
            next["status"] = current["status"]?.DeepClone();
        }
        var metadata = next.Metadata();
        foreach (var field in new[] { "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation" })
        {
            metadata[field] = current.At("metadata", field)?.DeepClone();
            if (metadata[field] is null) metadata.Remove(field);
        }
        next["apiVersion"] ??= current["apiVersion"]?.DeepClone();
        next["kind"] ??= current["kind"]?.DeepClone();
        ObjectDefaults.CarryOver(current, next);
        ObjectDefaults.Apply(next, _network);
        if (subresource is null)
        {
            ObjectValidation.Validate(kind, next);
            ObjectValidation.ValidateUpdate(kind, current, next);
        }
        if (!JsonNode.DeepEquals(Spec(current), Spec(next))) metadata["generation"] = (current.Long("metadata", "generation") ?? 1) + 1;
        if (manager is not null) FieldOwnership.RecordUpdate(kind, current, next, manager, subresource, Now);
        metadata["resourceVersion"] = currentRv;
        if (JsonNode.DeepEquals(current, next)) return StoreWrite.Keep;
        if (metadata["deletionTimestamp"] is not null && !metadata["finalizers"].Strings().Any() && kind.Kind != "Namespace") return StoreWrite.Delete;
        return StoreWrite.Put(next);
    }

    private static JsonObject Spec(JsonObject o)
    {
        var copy = o.CloneObject();
        copy.Remove("metadata");
        copy.Remove("status");
        return copy;
    }

    /// <summary>Checks the body against the URL and fills apiVersion, kind and namespace.</summary>
    private static JsonObject Prepare(ResourceKind kind, string? ns, JsonObject body)
    {
        ObjectShape.Check(body);
        var o = body.CloneObject();
        if (o.Str("kind") is { } k && k != kind.Kind)
            throw Errors.BadRequest($"the object provided is unrecognized (must be of type {kind.Kind}): kind \"{k}\" does not match");
        if (o.Str("apiVersion") is { } v && v != kind.ApiVersion)
            throw Errors.BadRequest($"the API version in the data ({v}) does not match the expected API version ({kind.ApiVersion})");
        o["apiVersion"] = kind.ApiVersion;
        o["kind"] = kind.Kind;
        var metadata = o.Metadata();
        if (kind.Namespaced)
        {
            var bodyNs = metadata.Str("namespace");
            if (bodyNs is { Length: > 0 } && bodyNs != ns) throw Errors.BadRequest("the namespace of the provided object does not match the namespace sent on the request");
            metadata["namespace"] = ns;
        }
        else
        {
            metadata.Remove("namespace");
        }
        return o;
    }

    private void RequireActiveNamespace(string ns)
    {
        var namespaceObject = store.Get(BuiltInKinds.Namespace.StorageKey, null, ns) ?? throw Errors.NotFound("namespaces", ns);
        if (namespaceObject.At("metadata", "deletionTimestamp") is not null)
            throw Errors.Forbidden($"unable to create new content in namespace {ns} because it is being terminated", "namespaces", ns);
    }

    private static string RandomSuffix()
    {
        const string alphabet = "bcdfghjklmnpqrstvwxz2456789";
        return string.Create(5, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = alphabet[Random.Shared.Next(alphabet.Length)];
        });
    }
}
