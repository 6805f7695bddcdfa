using Plural.AgentK.Cache;

namespace Plural.AgentK.Tests.Cache;

public sealed class KindStoreTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UtcNow;

    [Fact]
    public void The_first_list_fills_the_store_without_reporting_changes()
    {
        var store = new KindStore(ResourceKinds.Find("pods")!, new KindBudget(10, long.MaxValue));

        var changes = store.Replace([CacheFactory.Pod("a", "p1"), CacheFactory.Pod("a", "p2")], Now);

        Assert.Empty(changes);
        Assert.True(store.Synced);
        Assert.Equal(2, store.Count);
    }

    [Fact]
    public void A_relist_reports_what_changed_while_the_agent_was_not_watching()
    {
        var store = new KindStore(ResourceKinds.Find("pods")!, new KindBudget(10, long.MaxValue));
        store.Replace([CacheFactory.Pod("a", "kept"), CacheFactory.Pod("a", "changed"), CacheFactory.Pod("a", "gone")], Now);

        var changes = store.Replace([CacheFactory.Pod("a", "kept"), CacheFactory.Pod("a", "changed") with { ResourceVersion = "2" }, CacheFactory.Pod("a", "new")], Now);

        Assert.Equal(
            [("MODIFIED", "changed"), ("ADDED", "new"), ("DELETED", "gone")],
            changes.Select(c => (c.Type, c.Object.Name)).OrderBy(c => c.Type == "DELETED").ToList());
        Assert.Equal(["changed", "kept", "new"], store.Objects.Select(o => o.Name).Order());
    }

    [Fact]
    public void Watch_events_add_modify_and_delete_and_a_repeated_add_is_a_modification()
    {
        var store = new KindStore(ResourceKinds.Find("pods")!, new KindBudget(10, long.MaxValue));
        store.Replace([], Now);

        var added = store.Apply(CacheChange.Added, CacheFactory.Pod("a", "p"), Now);
        var again = store.Apply(CacheChange.Added, CacheFactory.Pod("a", "p") with { ResourceVersion = "2" }, Now);
        var deleted = store.Apply(CacheChange.Deleted, CacheFactory.Pod("a", "p"), Now);
        var unknown = store.Apply(CacheChange.Deleted, CacheFactory.Pod("a", "never"), Now);

        Assert.Equal(("ADDED", "MODIFIED", "DELETED"), (added!.Type, again!.Type, deleted!.Type));
        Assert.Null(unknown);
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void A_kind_at_its_maximum_keeps_what_it_has_and_says_it_is_incomplete()
    {
        var store = new KindStore(ResourceKinds.Find("pods")!, new KindBudget(2, long.MaxValue));
        store.Replace([CacheFactory.Pod("a", "p1"), CacheFactory.Pod("a", "p2"), CacheFactory.Pod("a", "p3")], Now);

        var refused = store.Apply(CacheChange.Added, CacheFactory.Pod("a", "p4"), Now);
        var update = store.Apply(CacheChange.Modified, CacheFactory.Pod("a", "p1", "Failed"), Now);

        Assert.Equal(2, store.Count);
        Assert.True(store.Truncated);
        Assert.Null(refused);
        Assert.NotNull(update);
    }

    [Fact]
    public void A_kind_at_its_byte_budget_refuses_new_objects_and_names_the_budget_it_holds()
    {
        var pod = CacheFactory.Pod("a", "p1");
        var store = new KindStore(ResourceKinds.Find("pods")!, new KindBudget(100, pod.EstimatedBytes * 2 + 10));
        store.Replace([pod, CacheFactory.Pod("a", "p2"), CacheFactory.Pod("a", "p3")], Now);

        var refused = store.Apply(CacheChange.Added, CacheFactory.Pod("a", "p4"), Now);
        store.Apply(CacheChange.Deleted, pod, Now);

        Assert.Null(refused);
        Assert.Equal($"the agent's cache holds its budget of {pod.EstimatedBytes * 2 + 10} bytes of pods", store.TruncatedBy);
        Assert.Equal(1, store.Count);
        Assert.Equal(store.Objects.Sum(o => o.EstimatedBytes), store.Bytes);
    }
}
