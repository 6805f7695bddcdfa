using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Plural.Gateway.Audit;
using Plural.Gateway.Listeners;
using Plural.Gateway.Tests.Proxy;

namespace Plural.Gateway.Tests.Audit;

/// <summary>
/// <c>Gateway:Audit:Export</c>: records appended to a file as JSON lines for a log shipper, every record of a
/// gateway that stops included; settings that could not work refuse the start; a full queue drops and counts.
/// </summary>
public sealed class AuditExportTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("plural-audit-export-");

    [Fact]
    public async Task Records_are_appended_to_the_file_as_json_lines_in_order_and_the_last_ones_are_written_at_shutdown()
    {
        var file = Path.Combine(_directory.FullName, "audit.jsonl");
        await File.WriteAllTextAsync(file, "{\"kind\":\"written before\"}\n");
        using var host = Build(new() { ["Export"] = "file", ["ExportFile"] = file });
        await host.StartAsync();
        var trail = host.Services.GetRequiredService<AuditTrail>();

        trail.Record(AuditRecords.Exec(requestId: "req-1"), keepPerAgent: true);
        trail.Record(AuditRecords.Exec(requestId: "req-2"), keepPerAgent: false);
        await WaitForLinesAsync(file, 3);
        trail.Record(AuditRecords.Exec(requestId: "req-3"), keepPerAgent: true);
        await host.StopAsync();

        var lines = await File.ReadAllLinesAsync(file);
        Assert.Equal(4, lines.Length);
        Assert.Equal("{\"kind\":\"written before\"}", lines[0]);
        Assert.Equal(["req-1", "req-2", "req-3"], lines.Skip(1).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("requestId").GetString()));
    }

    [Theory]
    [InlineData("file", null, "Gateway:Audit:ExportFile: required when Gateway:Audit:Export is file")]
    [InlineData("file", "missing-directory/audit.jsonl", "the directory of")]
    [InlineData("none", "audit.jsonl", "Gateway:Audit:ExportFile is set but Gateway:Audit:Export is none; set it to file")]
    public async Task Settings_that_could_not_export_refuse_the_start_naming_the_key(string export, string? file, string message)
    {
        using var host = Build(new() { ["Export"] = export, ["ExportFile"] = file is null ? null : Path.Combine(_directory.FullName, file) });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_queue_drops_new_records_and_counts_them_instead_of_waiting()
    {
        using var services = new ServiceCollection().AddMetrics().AddSingleton<GatewayMetrics>().BuildServiceProvider();
        var queue = new AuditExportQueue(Options.Create(new AuditOptions { Export = AuditExportTarget.Stdout, ExportQueueCapacity = 100 }),
            services.GetRequiredService<GatewayMetrics>());

        for (var i = 0; i < 130; i++)
        {
            queue.TryAdd(AuditRecords.Exec(requestId: $"req-{i}"));
        }

        Assert.Equal(30, queue.DroppedCount);
        Assert.True(queue.Reader!.TryRead(out var oldest));
        Assert.Equal("req-0", oldest!.RequestId);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private static IHost Build(Dictionary<string, string?> audit)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(audit.ToDictionary(p => $"{AuditOptions.Section}:{p.Key}", p => p.Value));
        builder.Services.AddSingleton(FakeGrains.Create()).AddMetrics().AddSingleton<GatewayMetrics>().AddAuditTrail();
        return builder.Build();
    }

    private static async Task WaitForLinesAsync(string file, int count)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); ; await Task.Delay(20))
        {
            using var reader = new StreamReader(new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var lines = (await reader.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            if (lines >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the export holds {lines} lines, expected {count}");
        }
    }
}
