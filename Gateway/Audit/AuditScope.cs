using System.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Plural.Gateway.Access;
using Plural.Gateway.Listeners;
using Plural.Grains.Audit;

namespace Plural.Gateway.Audit;

/// <summary>
/// Follows one proxied request from the moment its caller is known: counts body bytes as they pass (nothing is
/// buffered) and, when disposed, records who did what and how it ended. Only the method, path, <c>watch</c>
/// parameter and status are looked at; bodies, query values and headers never reach the trail.
/// </summary>
internal sealed class AuditScope : IDisposable
{
    private readonly HttpContext _context;
    private readonly AuditTrail _trail;
    private readonly GatewayIdentity _gateway;
    private readonly Caller _caller;
    private readonly string _agent;
    private readonly string _path;
    private readonly DateTimeOffset _time;
    private readonly long _started = Stopwatch.GetTimestamp();
    private readonly CountingStream _requestBody;
    private readonly CountingStream _responseBody;
    private readonly IHttpResponseBodyFeature _originalResponseBody;

    public AuditScope(HttpContext context, AuditTrail trail, GatewayIdentity gateway, Caller caller, string agent, string path, TimeProvider clock)
    {
        _context = context;
        _trail = trail;
        _gateway = gateway;
        _caller = caller;
        _agent = agent;
        _path = path;
        _time = clock.GetUtcNow();
        _requestBody = new CountingStream(context.Request.Body);
        context.Request.Body = _requestBody;
        _originalResponseBody = context.Features.Get<IHttpResponseBodyFeature>()!;
        _responseBody = new CountingStream(_originalResponseBody.Stream);
        context.Features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(_responseBody, _originalResponseBody));
    }

    public void Dispose()
    {
        _context.Features.Set(_originalResponseBody);
        var response = _context.Response;
        // A caller that went away before any status was sent saw none; Kestrel's default 200 would be a lie.
        var status = !response.HasStarted && _context.RequestAborted.IsCancellationRequested ? 0 : response.StatusCode;
        var request = KubernetesRequestParser.Parse(_context.Request.Method, _path, _context.Request.Query["watch"].FirstOrDefault());
        _trail.Record(new AuditEvent(_time, _context.TraceIdentifier, _gateway.Id, _agent, _caller.User, _caller.Groups, request,
            status, Stopwatch.GetElapsedTime(_started), _requestBody.Count, _responseBody.Count), keepPerAgent: _caller.MayAccess(_agent));
    }
}
