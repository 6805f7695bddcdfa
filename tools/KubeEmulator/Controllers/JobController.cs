using Plural.KubeEmulator.Api;
using System.Text.Json.Nodes;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;

namespace Plural.KubeEmulator.Controllers;

/// <summary>Jobs run <c>parallelism</c> pods at a time until <c>completions</c> pods have succeeded, then are Complete.</summary>
internal sealed class JobController(ObjectService objects, PodFactory pods) : IReconciler
{
    public void Reconcile()
    {
        foreach (var job in objects.List(BuiltInKinds.Job).Where(j => !j.IsTerminating() && !Conditions.IsTrue(j, "Complete")))
        {
            var completions = job.Long("spec", "completions") ?? 1;
            var parallelism = job.Long("spec", "parallelism") ?? 1;
            var owned = pods.OwnedPods(job);
            var succeeded = owned.Count(p => p.Str("status", "phase") == "Succeeded");
            var active = owned.Where(p => p.Str("status", "phase") is "Pending" or "Running" or null && !p.IsTerminating()).ToList();
            var wanted = Math.Min(parallelism, completions - succeeded) - active.Count;
            var labels = new Dictionary<string, string>
            {
                ["batch.kubernetes.io/job-name"] = job.Name(),
                ["job-name"] = job.Name(),
                ["batch.kubernetes.io/controller-uid"] = job.Uid(),
                ["controller-uid"] = job.Uid(),
            };
            for (var i = 0; i < wanted; i++) active.Add(pods.Create(job, null, extraLabels: labels));
            WriteStatus(job, succeeded, active, completions);
        }
    }

    private void WriteStatus(JsonObject job, int succeeded, List<JsonObject> active, long completions)
    {
        objects.Change(BuiltInKinds.Job, job.Namespace(), job.Name(), j =>
        {
            var status = j["status"] as JsonObject ?? new JsonObject();
            j["status"] = status;
            status["startTime"] ??= KubeTime.Format(objects.Now);
            status["succeeded"] = succeeded;
            status["ready"] = active.Count(PodFactory.IsReady);
            if (active.Count > 0) status["active"] = active.Count;
            else status.Remove("active");
            if (succeeded >= completions)
            {
                status["completionTime"] = KubeTime.Format(objects.Now);
                Conditions.Set(status, "SuccessCriteriaMet", true, "CompletionsReached", "Reached expected number of succeeded pods", objects.Now);
                Conditions.Set(status, "Complete", true, "CompletionsReached", "Reached expected number of succeeded pods", objects.Now);
            }
            return j;
        }, null, "status");
    }
}
