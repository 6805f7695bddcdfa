using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Plural.KubeEmulator.Api;
using Plural.KubeEmulator.Auth;
using Plural.KubeEmulator.Controllers;
using Plural.KubeEmulator.Discovery;
using Plural.KubeEmulator.Hosting;
using Plural.KubeEmulator.OpenApi;
using Plural.KubeEmulator.Prometheus;
using Plural.KubeEmulator.Resources;
using Plural.KubeEmulator.Seeding;
using Plural.KubeEmulator.Streaming;

namespace Plural.KubeEmulator;

/// <summary>
/// An in-memory Kubernetes API server on 127.0.0.1 that kubectl and client libraries accept.
/// Each instance has its own state; several may run in one process.
/// </summary>
public sealed partial class KubeEmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly KubeEmulatorOptions _options;

    private readonly EmulatorCertificates? _certificates;
    private readonly PrometheusServer? _prometheus;

    private KubeEmulatorServer(WebApplication app, KubeEmulatorOptions options, EmulatorCertificates? certificates, Uri url, ApiRequestCounter requests, PrometheusServer? prometheus)
    {
        _app = app;
        _prometheus = prometheus;
        _options = options;
        _certificates = certificates;
        Url = url;
        Requests = requests;
    }

    /// <summary>Base URL, e.g. <c>https://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; }

    /// <summary>PEM of the certificate authority that signed the serving certificate; null when serving plain HTTP.</summary>
    public string? CertificateAuthorityPem => _certificates?.AuthorityPem;

    /// <summary>Bearer token of the cluster administrator (<c>kubernetes-admin</c>).</summary>
    public string AdminToken => _options.AdminToken;

    /// <summary>
    /// Requests served so far, in total and by verb and resource (<c>Requests.Count("list", "pods")</c>).
    /// Every request counts, including rejected ones, discovery and health checks.
    /// </summary>
    public ApiRequestCounter Requests { get; }

    /// <summary>Exec, attach and port-forward sessions in progress (each an upgraded connection).</summary>
    public int OpenStreamingSessions => _app.Services.GetRequiredService<StreamingSessions>().Open;

    /// <summary>Bearer token of the agent service account <c>system:serviceaccount:plural:agentk</c>, allowed to impersonate.</summary>
    public string AgentToken => _options.AgentToken;

    /// <summary>Starts an emulator, seeded as the options say, and returns once it accepts connections.</summary>
    public static async Task<KubeEmulatorServer> StartAsync(KubeEmulatorOptions options, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(KubeEmulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // The emulator often runs inside another app's process: that app's appsettings.json and
        // ASPNETCORE_/Kestrel__ environment must not add endpoints or settings to it.
        builder.Configuration.Sources.Clear();
        var certificates = options.UseTls ? EmulatorCertificates.Create() : null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            // client-go multiplexes every watch of a process over one HTTP/2 connection; agents with many informers need room.
            k.Limits.Http2.MaxStreamsPerConnection = 1000;
            k.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (certificates is not null) listen.UseHttps(certificates.Server);
            });
        });
        builder.Logging.ClearProviders();
        if (options.ConfigureLogging is { } configure) configure(builder.Logging);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddKubeEmulator(options, new ClusterAuthority(certificates?.AuthorityPem));

        var app = builder.Build();
        var requests = new ApiRequestCounter();
        app.Use(RequestCounting.Middleware(requests));
        app.Use(EndStreamsOnShutdown(app.Lifetime));
        app.UseMiddleware<AuthenticationMiddleware>();
        app.UseMiddleware<AuthorizationMiddleware>();
        app.UseWebSockets();
        DiscoveryEndpoints.Map(app);
        OpenApiEndpoints.Map(app);
        var router = app.Services.GetRequiredService<ResourceRouter>();
        app.Map("/api/{**rest}", router.HandleAsync);
        app.Map("/apis/{**rest}", router.HandleAsync);
        app.MapFallback((HttpContext c) => HttpJson.WriteStatusAsync(c, Errors.NoResource(), c.RequestAborted));

        var objects = app.Services.GetRequiredService<ObjectService>();
        ClusterBasics.Seed(objects, options.NodeCount);
        BootstrapRbac.Seed(objects);
        SeededAccess.Seed(objects, options);
        if (!options.Empty) SampleWorkloads.Seed(objects, app.Services.GetRequiredService<ResourceRegistry>());
        var prometheus = options.Prometheus ? await PrometheusServer.StartAsync(objects, app.Services.GetRequiredService<TimeProvider>(), ct) : null;
        if (prometheus is not null) MonitoringWorkloads.Seed(objects, app.Services.GetRequiredService<ResourceRegistry>(), prometheus.Url);

        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = new Uri(address.Replace("[::]", "127.0.0.1"));
        LogListening(app.Logger, url, options.Empty);
        return new KubeEmulatorServer(app, options, certificates, url, requests, prometheus);
    }

    /// <summary>Writes a kubeconfig for this emulator; by default for the administrator.</summary>
    /// <param name="path">File to write (directories are created).</param>
    /// <param name="token">Bearer token to put in it; defaults to <see cref="AdminToken"/>.</param>
    /// <param name="defaultNamespace">Namespace of the kubeconfig context.</param>
    /// <param name="ct">Cancellation.</param>
    public Task WriteKubeconfigAsync(string path, string? token = null, string defaultNamespace = "default", CancellationToken ct = default)
    {
        var chosen = token ?? AdminToken;
        var user = chosen == AgentToken ? "agentk" : chosen == AdminToken ? "admin" : "user";
        return Kubeconfig.WriteAsync(path, Kubeconfig.Render(Url, CertificateAuthorityPem, user, chosen, defaultNamespace), ct);
    }

    /// <summary>Stops the server; open watches and log streams end.</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _app.StopAsync(timeout.Token);
        }
        finally
        {
            await _app.DisposeAsync();
            _certificates?.Dispose();
            if (_prometheus is not null) await _prometheus.DisposeAsync();
        }
    }

    /// <summary>Long-lived responses (watch, follow) end when the server stops instead of holding shutdown.</summary>
    private static Func<HttpContext, RequestDelegate, Task> EndStreamsOnShutdown(IHostApplicationLifetime lifetime) => async (context, next) =>
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        context.RequestAborted = linked.Token;
        await next(context);
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Kube emulator listening on {Url} (empty: {Empty})")]
    private static partial void LogListening(ILogger logger, Uri url, bool empty);
}
