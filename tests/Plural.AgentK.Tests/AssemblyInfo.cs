// The tests measure memory and count retries over time windows on a 2-core machine;
// running them one at a time keeps those measurements about the agent under test.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
