using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plural.Cli;

/// <summary>
/// Where <c>plural</c> finds the platform: the gateway's API address, the CA that signs its certificate, and the file
/// holding the operator's credential. The credential itself is never copied into the profile, so rotating it is a
/// matter of replacing its file.
/// </summary>
public sealed record CliProfile(
    [property: JsonPropertyName("gateway")] string Gateway,
    [property: JsonPropertyName("credential_file")] string CredentialFile,
    [property: JsonPropertyName("ca_file")] string? CaFile)
{
    /// <summary>Environment variable naming the profile file instead of the default.</summary>
    public const string PathVariable = "PLURAL_CONFIG";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary><c>$PLURAL_CONFIG</c>, else <c>$XDG_CONFIG_HOME/plural/profile.json</c>, else <c>~/.config/plural/profile.json</c>.</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath ? explicitPath
        : Path.Combine(Environment.GetEnvironmentVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".config"), "plural", "profile.json");

    /// <summary>The saved profile, or null when there is none.</summary>
    /// <exception cref="CliException">The file exists but is not a profile.</exception>
    public static CliProfile? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize<CliProfile>(File.ReadAllText(path), Json) is { Gateway.Length: > 0, CredentialFile.Length: > 0 } profile
                ? profile
                : throw new CliException(ExitCodes.NotLoggedIn, $"{path}: not a plural profile; run plural login again");
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.NotLoggedIn, $"{path}: not a plural profile ({ex.Message}); run plural login again");
        }
    }

    /// <summary>Writes the profile, readable by its owner only (it names where the credential is).</summary>
    public void Save(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.WriteAllText(path, JsonSerializer.Serialize(this, Json));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>The credential, read now from its file.</summary>
    public string ReadCredential()
    {
        try
        {
            return File.ReadAllText(CredentialFile).Trim() is { Length: > 0 } credential
                ? credential
                : throw new CliException(ExitCodes.NotLoggedIn, $"{CredentialFile}: the credential file is empty");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new CliException(ExitCodes.NotLoggedIn, $"{CredentialFile}: the credential file cannot be read ({ex.Message})");
        }
    }
}
