namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>A shell's variables (exported ones form the environment of the commands it runs), options, positional parameters and working directory.</summary>
internal sealed class ShellVariables
{
    private readonly OrderedDictionary<string, string> _variables;

    public ShellVariables(IReadOnlyList<KeyValuePair<string, string>> environment, string cwd, string name)
    {
        _variables = new OrderedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in environment) _variables[key] = value;
        Exported = new HashSet<string>(_variables.Keys, StringComparer.Ordinal);
        Cwd = cwd;
        Arg0 = name;
    }

    private ShellVariables(ShellVariables other)
    {
        _variables = new OrderedDictionary<string, string>(other._variables, StringComparer.Ordinal);
        Exported = new HashSet<string>(other.Exported, StringComparer.Ordinal);
        Cwd = other.Cwd;
        Arg0 = other.Arg0;
        Positional = [.. other.Positional];
        Status = other.Status;
        ErrExit = other.ErrExit;
        XTrace = other.XTrace;
    }

    public HashSet<string> Exported { get; }

    public List<string> Positional { get; } = [];

    public string Cwd { get; set; }

    public string Arg0 { get; set; }

    public int Status { get; set; }

    public bool ErrExit { get; set; }

    public bool XTrace { get; set; }

    public string? Get(string name) => _variables.GetValueOrDefault(name);

    public void Set(string name, string value) => _variables[name] = value;

    public void Unset(string name)
    {
        _variables.Remove(name);
        Exported.Remove(name);
    }

    public IEnumerable<KeyValuePair<string, string>> Environment() => _variables.Where(v => Exported.Contains(v.Key));

    public ShellVariables Clone() => new(this);
}
