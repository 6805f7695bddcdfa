namespace Plural.AgentK.Cache;

/// <summary>
/// How much the cache keeps of one kind: at most <paramref name="MaxObjects"/> objects and about
/// <paramref name="MaxBytes"/> bytes of what it projects from them (<see cref="CachedObject.EstimatedBytes"/>).
/// Past either, further objects are not cached and the kind is reported incomplete.
/// </summary>
internal sealed record KindBudget(int MaxObjects, long MaxBytes);
