namespace Plural.KubeEmulator.Controllers;

/// <summary>One controller: brings the stored state one step closer to what objects ask for. Must write only when something changes.</summary>
internal interface IReconciler
{
    void Reconcile();
}
