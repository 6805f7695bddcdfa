using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Plural.Gateway.Orleans;
using Plural.Gateway.Tests.Proxy;

namespace Plural.Gateway.Tests.Orleans;

/// <summary>The cluster credentials follow their files without a restart, and bad files never replace good credentials.</summary>
public sealed class ReloadingClusterCredentialsTests : IDisposable
{
    private static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(10);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("cluster-credentials-");
    private readonly TestAuthority _authority = new("cluster-ca");
    private readonly FakeTimeProvider _clock = new();
    private readonly CapturedLogs _logs = new();
    private readonly ClusterTlsFiles _files;
    private readonly ReloadingClusterCredentials _credentials;

    public ReloadingClusterCredentialsTests()
    {
        _files = _authority.WriteClusterFiles(_directory.FullName, "first");
        using var loggers = LoggerFactory.Create(builder => builder.AddProvider(_logs));
        _credentials = new ReloadingClusterCredentials(new ClusterCredentialFiles(_files.CertificateFile, _files.KeyFile, _files.AuthorityFile, Serves: true),
            CheckInterval, _clock, loggers.CreateLogger<ReloadingClusterCredentials>());
    }

    public void Dispose()
    {
        _authority.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public void Replaced_files_are_used_once_the_check_interval_has_passed()
    {
        _authority.WriteClusterFiles(_directory.FullName, "second");

        Assert.Equal("CN=first", _credentials.Current.Certificate.Subject);
        _clock.Advance(CheckInterval);
        Assert.Equal("CN=second", _credentials.Current.Certificate.Subject);
        Assert.Single(_logs.WithEventId(3402));
    }

    [Fact]
    public void Unchanged_files_are_read_again_but_not_reloaded()
    {
        var first = _credentials.Current;
        _clock.Advance(CheckInterval);

        Assert.Same(first, _credentials.Current);
        Assert.Empty(_logs.WithEventId(3402));
    }

    [Fact]
    public void A_certificate_of_another_ca_is_refused_the_old_one_kept_and_the_problem_logged_once()
    {
        using var stranger = new TestAuthority("stranger-ca");
        var strangerFiles = stranger.WriteClusterFiles(Directory.CreateDirectory(Path.Combine(_directory.FullName, "stranger")).FullName, "stranger");
        File.Copy(strangerFiles.CertificateFile, _files.CertificateFile, overwrite: true);
        File.Copy(strangerFiles.KeyFile, _files.KeyFile, overwrite: true);

        _clock.Advance(CheckInterval);
        Assert.Equal("CN=first", _credentials.Current.Certificate.Subject);
        _clock.Advance(CheckInterval);
        Assert.Equal("CN=first", _credentials.Current.Certificate.Subject);

        var rejected = Assert.Single(_logs.WithEventId(3403));
        Assert.Contains("not issued by the cluster CA", (string)rejected["Problem"]!);
    }

    [Fact]
    public void A_key_that_does_not_match_the_certificate_is_refused_until_the_pair_is_complete()
    {
        var next = _authority.WriteClusterFiles(Directory.CreateDirectory(Path.Combine(_directory.FullName, "next")).FullName, "second");
        // A rotation seen half way: the new certificate next to the old key.
        File.Copy(next.CertificateFile, _files.CertificateFile, overwrite: true);
        _clock.Advance(CheckInterval);
        Assert.Equal("CN=first", _credentials.Current.Certificate.Subject);
        Assert.Contains("Orleans:Tls:KeyFile", (string)Assert.Single(_logs.WithEventId(3403))["Problem"]!);

        File.Copy(next.KeyFile, _files.KeyFile, overwrite: true);
        _clock.Advance(CheckInterval);
        Assert.Equal("CN=second", _credentials.Current.Certificate.Subject);
    }

    [Fact]
    public void A_missing_file_keeps_the_current_credentials()
    {
        File.Delete(_files.KeyFile);
        _clock.Advance(CheckInterval);

        Assert.Equal("CN=first", _credentials.Current.Certificate.Subject);
        Assert.Single(_logs.WithEventId(3404));
    }

    [Fact]
    public void A_new_ca_bundle_with_old_and_new_authorities_is_taken_so_that_the_ca_itself_can_rotate()
    {
        using var next = new TestAuthority("next-ca");
        var nextFiles = next.WriteClusterFiles(Directory.CreateDirectory(Path.Combine(_directory.FullName, "next-ca")).FullName, "under-next-ca");
        File.AppendAllText(_files.AuthorityFile, "\n" + File.ReadAllText(nextFiles.AuthorityFile));
        _clock.Advance(CheckInterval);

        Assert.Equal(2, _credentials.Current.Authorities.Count);
        Assert.Null(ClusterChain.Problem(next.IssueClusterCertificate("peer"), _credentials.Current.Authorities, ClusterChain.ClientAuthentication));
    }

    [Fact]
    public void Many_connections_at_once_all_get_credentials_while_the_files_change()
    {
        _authority.WriteClusterFiles(_directory.FullName, "second");
        _clock.Advance(CheckInterval);

        var subjects = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 200, _ => subjects.Add(_credentials.Current.Certificate.Subject));

        Assert.All(subjects, s => Assert.Contains(s, new[] { "CN=first", "CN=second" }));
        Assert.Equal("CN=second", _credentials.Current.Certificate.Subject);
        Assert.Single(_logs.WithEventId(3402));
    }
}
