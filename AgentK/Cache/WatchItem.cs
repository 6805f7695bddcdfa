using k8s;

namespace Plural.AgentK.Cache;

/// <summary>One watch event, projected. <see cref="Object"/> is null for bookmarks.</summary>
internal sealed record WatchItem(WatchEventType Type, CachedObject? Object, string ResourceVersion);
