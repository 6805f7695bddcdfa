using System.Text.Json.Nodes;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Json;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Storage;

namespace Plural.KubeEmulator.Controllers;

/// <summary>
/// Empties terminating namespaces and removes them once empty; gives every active namespace its
/// <c>default</c> ServiceAccount and <c>kube-root-ca.crt</c> ConfigMap, as the real control plane does.
/// </summary>
internal sealed class NamespaceController(ObjectService objects, ResourceRegistry registry, ClusterAuthority authority) : IReconciler
{
    private const string RootCaConfigMap = "kube-root-ca.crt";

    public void Reconcile()
    {
        var namespaced = registry.All().Where(k => k.Namespaced && k.Stored).GroupBy(k => k.StorageKey).Select(g => g.First()).ToList();
        foreach (var ns in objects.List(BuiltInKinds.Namespace))
        {
            if (!ns.IsTerminating())
            {
                if (objects.Find(BuiltInKinds.ServiceAccount, ns.Name(), "default") is null)
                    objects.Create(BuiltInKinds.ServiceAccount, ns.Name(), new JsonObject { ["metadata"] = new JsonObject { ["name"] = "default" } }, null);
                if (objects.Find(BuiltInKinds.ConfigMap, ns.Name(), RootCaConfigMap) is null)
                    objects.Create(BuiltInKinds.ConfigMap, ns.Name(), new JsonObject
                    {
                        ["metadata"] = new JsonObject { ["name"] = RootCaConfigMap },
                        ["data"] = new JsonObject { ["ca.crt"] = authority.Pem ?? "" },
                    }, null);
                continue;
            }
            var remaining = 0;
            foreach (var kind in namespaced)
            {
                foreach (var o in objects.List(kind, ns.Name()))
                {
                    remaining++;
                    if (o.IsTerminating())
                    {
                        // Finalizers nobody will clear in a dying namespace are dropped, as the namespace controller's last resort.
                        objects.Change(kind, o.Namespace(), o.Name(), c => { c.Metadata()["finalizers"] = new JsonArray(); return c; }, null, null);
                    }
                    else
                    {
                        objects.Delete(kind, o.Namespace(), o.Name(), DeleteRequest.Background);
                    }
                }
            }
            if (remaining == 0) objects.Store.Write(BuiltInKinds.Namespace.StorageKey, null, ns.Name(), _ => StoreWrite.Delete);
        }
    }
}
