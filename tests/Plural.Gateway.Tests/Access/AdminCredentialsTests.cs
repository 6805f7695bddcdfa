using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Access;
using Plural.Gateway.Listeners;
using Plural.Protocol.Hosting;

namespace Plural.Gateway.Tests.Access;

/// <summary>Operators' credentials: named, held as hashes, several at once, and taken from their files without a restart.</summary>
public sealed class AdminCredentialsTests : IDisposable
{
    private readonly DirectoryInfo _files = Directory.CreateTempSubdirectory("admin-credentials-");
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    private string HashFile => Path.Combine(_files.FullName, "admin-tokens");

    public void Dispose() => _files.Delete(recursive: true);

    [Fact]
    public void A_credential_from_the_hash_file_is_accepted_under_its_name()
    {
        File.WriteAllLines(HashFile, ["# operators", AdminTokenHashes.Line("alice", "alice-secret-0123456789"), "", AdminTokenHashes.Line("ci", "ci-secret-0123456789")]);
        var admins = Credentials(new GatewayOptions { AdminTokensFile = HashFile });

        Assert.Equal("alice", admins.NameOf("Bearer alice-secret-0123456789"));
        Assert.Equal("ci", admins.NameOf("bearer ci-secret-0123456789"));
        Assert.Null(admins.NameOf("Bearer somebody-else"));
        Assert.Null(admins.NameOf(null));
        Assert.Null(admins.NameOf("Basic YWxpY2U6c2VjcmV0"));
    }

    [Fact]
    public void The_file_holds_hashes_only()
    {
        var line = AdminTokenHashes.Line("alice", "alice-secret-0123456789");

        Assert.DoesNotContain("alice-secret", line);
        Assert.Matches("^alice sha256:[0-9a-f]{64}$", line);
    }

    [Fact]
    public void During_a_rotation_both_credentials_work_and_the_old_one_is_refused_once_removed_from_the_file()
    {
        File.WriteAllLines(HashFile, [AdminTokenHashes.Line("ops-2026-11", "old-secret-0123456789"), AdminTokenHashes.Line("ops-2026-12", "new-secret-0123456789")]);
        var admins = Credentials(new GatewayOptions { AdminTokensFile = HashFile });
        Assert.True(admins.Accepts("Bearer old-secret-0123456789"));
        Assert.True(admins.Accepts("Bearer new-secret-0123456789"));

        File.WriteAllLines(HashFile, [AdminTokenHashes.Line("ops-2026-12", "new-secret-0123456789")]);
        File.SetLastWriteTimeUtc(HashFile, DateTime.UtcNow.AddSeconds(5)); // a change even on a coarse file clock
        _clock.Advance(ReloadingFile<AdminTokenHashes>.RecheckInterval);

        Assert.False(admins.Accepts("Bearer old-secret-0123456789"));
        Assert.True(admins.Accepts("Bearer new-secret-0123456789"));
    }

    [Fact]
    public void A_file_changed_into_something_unreadable_keeps_the_credentials_read_before()
    {
        File.WriteAllLines(HashFile, [AdminTokenHashes.Line("alice", "alice-secret-0123456789")]);
        var admins = Credentials(new GatewayOptions { AdminTokensFile = HashFile });

        File.WriteAllText(HashFile, "alice alice-secret-0123456789\n"); // a plain token where a hash belongs
        File.SetLastWriteTimeUtc(HashFile, DateTime.UtcNow.AddSeconds(5));
        _clock.Advance(ReloadingFile<AdminTokenHashes>.RecheckInterval);

        Assert.Equal("alice", admins.NameOf("Bearer alice-secret-0123456789"));
    }

    [Fact]
    public void The_single_admin_token_file_is_read_again_when_it_changes()
    {
        var file = Path.Combine(_files.FullName, "admin-token");
        File.WriteAllText(file, "first-secret-0123456789\n");
        var admins = Credentials(new GatewayOptions { AdminTokenFile = file });
        Assert.Equal(AdminCredentials.SingleName, admins.NameOf("Bearer first-secret-0123456789"));

        File.WriteAllText(file, "second-secret-0123456789\n");
        File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddSeconds(5));
        _clock.Advance(ReloadingFile<AdminTokenHashes>.RecheckInterval);

        Assert.False(admins.Accepts("Bearer first-secret-0123456789"));
        Assert.True(admins.Accepts("Bearer second-secret-0123456789"));
    }

    [Theory]
    [InlineData("alice sha256:1234", "line 1: expected \"<name> sha256:<64 hex digits>\"")]
    [InlineData("# header\nalice sha256:{0}\nalice sha256:{0}", "line 3: the name alice is used twice")]
    public void A_malformed_file_fails_the_start_naming_the_line(string content, string problem)
    {
        File.WriteAllText(HashFile, string.Format(content, new string('a', 64)));

        var result = new AdminCredentialsValidator().Validate(null, new GatewayOptions { AdminTokensFile = HashFile });

        Assert.True(result.Failed);
        Assert.Equal($"Gateway:AdminTokensFile: {problem}.", result.FailureMessage);
    }

    private AdminCredentials Credentials(GatewayOptions options) =>
        new(Options.Create(options), _clock, NullLogger<AdminCredentials>.Instance);
}
