using Microsoft.AspNetCore.Http.Features;

namespace Plural.Gateway.Proxy;

/// <summary>
/// The request's switch of protocols, handing out the upgraded connection wrapped so that its bytes count as the
/// request's (from the caller) and the response's (to the caller): exec, attach and port-forward sessions move all
/// their data after the switch, and the audit record and metrics must show it.
/// </summary>
internal sealed class CountingUpgradeFeature(IHttpUpgradeFeature inner, ObservedStream fromCaller, ObservedStream toCaller) : IHttpUpgradeFeature
{
    public bool IsUpgradableRequest => inner.IsUpgradableRequest;

    public async Task<Stream> UpgradeAsync() => new UpgradedStream(await inner.UpgradeAsync(), fromCaller, toCaller);
}
