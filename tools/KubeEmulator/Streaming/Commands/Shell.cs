using System.IO.Pipelines;
using System.Text;
using System.Text.RegularExpressions;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// The container's <c>sh</c> (and <c>bash</c>): a POSIX-shell subset that runs <c>-c</c> scripts, script
/// files and commands read from stdin (with a <c>#</c> prompt on a terminal). It has simple commands with
/// <c>NAME=value</c> prefixes, <c>;</c> <c>&amp;&amp;</c> <c>||</c> <c>|</c> <c>!</c>, redirections to and
/// between descriptors and <c>/dev/null</c>, <c>$NAME</c> <c>${NAME}</c> <c>${NAME:-default}</c>
/// <c>$?</c> <c>$#</c> <c>$0..$9</c> <c>$@</c>, the built-ins <c>exit</c> <c>cd</c> <c>export</c>
/// <c>unset</c> <c>set -e/-x</c> <c>exec</c> <c>:</c>, and dash's error messages and exit statuses
/// (127 for an unknown command, 2 for syntax errors). There is no field splitting, globbing, control
/// flow or command substitution, and <c>&amp;</c> runs its command in the foreground.
/// </summary>
internal sealed partial class Shell
{
    private const int MaxLineBytes = 64 * 1024;

    private readonly ContainerCommands _commands;
    private readonly ProcessStart _process;
    private readonly string _name;
    private readonly ShellVariables _state;
    private bool _interactive;
    private bool _exit;
    private int _exitStatus;

    public Shell(ContainerCommands commands, ProcessStart process)
    {
        _commands = commands;
        _process = process;
        _name = Path.GetFileName(process.Name) is "bash" ? "bash" : "sh";
        _state = new ShellVariables(process.Environment, process.WorkingDirectory, _name);
    }

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var args = _process.Arguments;
        var i = 0;
        var command = false;
        for (; i < args.Count && args[i].Length > 1 && args[i][0] is '-' or '+' && args[i] != "--"; i++)
        {
            foreach (var flag in args[i][1..])
            {
                switch (flag)
                {
                    case 'c': command = true; break;
                    case 'e': _state.ErrExit = args[i][0] == '-'; break;
                    case 'x': _state.XTrace = args[i][0] == '-'; break;
                    case 'i': _interactive = true; break;
                    case 'l' or 's': break;
                    default:
                        await _process.IO.ErrAsync($"{_name}: 0: Illegal option -{flag}\n", cancellationToken);
                        return 2;
                }
            }
        }
        if (i < args.Count && args[i] == "--") i++;
        if (command)
        {
            if (i == args.Count)
            {
                await _process.IO.ErrAsync($"{_name}: 0: -c requires an argument\n", cancellationToken);
                return 2;
            }
            var script = args[i++];
            if (i < args.Count) _state.Arg0 = args[i++];
            _state.Positional.AddRange(args.Skip(i));
            return await RunScriptAsync(script, cancellationToken);
        }
        if (i < args.Count)
        {
            var file = args[i++];
            var content = _commands.Container.Files.Read(Commands.ContainerFileSystem.Normalize(_state.Cwd, file));
            if (content is null)
            {
                await _process.IO.ErrAsync($"{_name}: 0: cannot open {file}: No such file\n", cancellationToken);
                return 2;
            }
            _state.Arg0 = file;
            _state.Positional.AddRange(args.Skip(i));
            return await RunScriptAsync(content, cancellationToken);
        }
        _interactive |= _process.IO.Tty;
        return await RunStdinAsync(cancellationToken);
    }

    private async Task<int> RunScriptAsync(string script, CancellationToken cancellationToken)
    {
        List<ShellToken> tokens;
        try
        {
            tokens = ShellLexer.Lex(script);
        }
        catch (ShellSyntaxException e)
        {
            await SyntaxErrorAsync(e, cancellationToken);
            return 2;
        }
        foreach (var line in ShellParser.Lines(tokens))
        {
            if (!await RunLineAsync(line, cancellationToken)) return 2;
            if (_exit) return _exitStatus;
        }
        return _state.Status;
    }

    /// <summary>Reads and runs one line at a time, as sh does with commands piped in or typed at a terminal.</summary>
    private async Task<int> RunStdinAsync(CancellationToken cancellationToken)
    {
        var lines = new LineReader(_process.IO.Stdin, MaxLineBytes);
        var number = 0;
        while (!_exit)
        {
            if (_interactive)
            {
                _process.IO.Interrupts.Reset();
                await _process.IO.ErrAsync("# ", cancellationToken);
            }
            string? text;
            using (var foreground = _process.Foreground(cancellationToken))
            {
                try
                {
                    text = await lines.ReadLineAsync(foreground.Token);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Ctrl-C at the prompt abandons the line; the terminal already echoed ^C.
                    _state.Status = ContainerCommands.Interrupted;
                    continue;
                }
            }
            if (text is null) break;
            number++;
            if (text.Length > MaxLineBytes)
            {
                await _process.IO.ErrAsync($"{_name}: {number}: line too long\n", cancellationToken);
                _state.Status = 2;
                continue;
            }
            try
            {
                foreach (var line in ShellParser.Lines(ShellLexer.Lex(text, number)))
                {
                    if (!await RunLineAsync(line, cancellationToken) && !_interactive) return 2;
                    if (_exit) break;
                }
            }
            catch (ShellSyntaxException e)
            {
                await SyntaxErrorAsync(e, cancellationToken);
                _state.Status = 2;
                if (!_interactive) return 2;
            }
        }
        return _exit ? _exitStatus : _state.Status;
    }

    /// <summary>Parses and runs one line; false after a syntax error.</summary>
    private async Task<bool> RunLineAsync(List<ShellToken> line, CancellationToken cancellationToken)
    {
        List<ShellAndOr> list;
        try
        {
            list = ShellParser.Parse(line);
        }
        catch (ShellSyntaxException e)
        {
            await SyntaxErrorAsync(e, cancellationToken);
            _state.Status = 2;
            return false;
        }
        foreach (var andOr in list)
        {
            await RunAndOrAsync(andOr, cancellationToken);
            if (_exit) return true;
            if (_process.IO.Interrupts.Token.IsCancellationRequested)
            {
                // Ctrl-C signals the whole foreground process group: a non-interactive shell dies with its
                // command, an interactive one abandons the rest of the line.
                _state.Status = ContainerCommands.Interrupted;
                if (!_interactive) (_exit, _exitStatus) = (true, ContainerCommands.Interrupted);
                return true;
            }
        }
        return true;
    }

    private async Task<int> RunAndOrAsync(ShellAndOr andOr, CancellationToken cancellationToken)
    {
        var status = await RunPipelineAsync(andOr.Pipelines[0], cancellationToken);
        var lastRan = 0;
        for (var i = 0; i < andOr.Operators.Count && !_exit; i++)
        {
            if ((andOr.Operators[i] == "&&") != (status == 0)) continue;
            status = await RunPipelineAsync(andOr.Pipelines[i + 1], cancellationToken);
            lastRan = i + 1;
        }
        _state.Status = status;
        // set -e ignores failures that a && or || is there to handle, and negated pipelines.
        if (_state.ErrExit && status != 0 && !_exit && lastRan == andOr.Pipelines.Count - 1 && !andOr.Pipelines[lastRan].Negated)
        {
            (_exit, _exitStatus) = (true, status);
        }
        return status;
    }

    private async Task<int> RunPipelineAsync(ShellPipeline pipeline, CancellationToken cancellationToken)
    {
        int status;
        if (pipeline.Commands.Count == 1)
        {
            status = await RunCommandAsync(pipeline.Commands[0], _process.IO, _state, subshell: false, cancellationToken);
        }
        else
        {
            // Every command of a pipeline runs at once in its own subshell, connected by in-memory pipes.
            var pipes = pipeline.Commands.Skip(1).Select(_ => new Pipe()).ToList();
            var runs = pipeline.Commands.Select(async (command, index) =>
            {
                var io = _process.IO;
                if (index > 0) io = io with { Stdin = pipes[index - 1].Reader.AsStream(leaveOpen: true) };
                if (index < pipes.Count) io = io with { Stdout = pipes[index].Writer.AsStream(leaveOpen: true) };
                try
                {
                    return await RunCommandAsync(command, io, _state.Clone(), subshell: true, cancellationToken);
                }
                finally
                {
                    if (index < pipes.Count) await pipes[index].Writer.CompleteAsync();
                    if (index > 0) await pipes[index - 1].Reader.CompleteAsync();
                }
            }).ToList();
            var statuses = await Task.WhenAll(runs);
            status = statuses[^1];
        }
        if (pipeline.Negated) status = status == 0 ? 1 : 0;
        _state.Status = status;
        return status;
    }

    private async Task<int> RunCommandAsync(ShellCommand command, ProcessIO io, ShellVariables state, bool subshell, CancellationToken cancellationToken)
    {
        var assignments = new List<KeyValuePair<string, string>>();
        var fields = new List<string>();
        try
        {
            foreach (var word in command.Words)
            {
                if (fields.Count == 0 && AssignmentPattern().Match(word.Text) is { Success: true } m && !word.Parts[0].Quoted && word.Parts[0].Text.StartsWith(m.Groups[1].Value + "=", StringComparison.Ordinal))
                {
                    var name = m.Groups[1].Value;
                    var parts = word.Parts.ToList();
                    parts[0] = parts[0] with { Text = parts[0].Text[(name.Length + 1)..] };
                    assignments.Add(new(name, ShellExpansion.Expand(parts, state) ?? ""));
                    continue;
                }
                if (ShellExpansion.Expand(word.Parts, state) is { } field) fields.Add(field);
            }
            foreach (var redirection in command.Redirections)
            {
                var redirected = ShellRedirections.Apply(redirection, io, state, _commands.Container.Files, out var error);
                if (redirected is null)
                {
                    await io.ErrAsync($"{state.Arg0}: {command.Line}: {error}\n", cancellationToken);
                    return 2;
                }
                io = redirected;
            }
        }
        catch (ShellExpansionException e)
        {
            await io.ErrAsync($"{state.Arg0}: {command.Line}: {e.Message}\n", cancellationToken);
            if (!_interactive && !subshell) (_exit, _exitStatus) = (true, 2);
            return 2;
        }
        if (fields.Count == 0)
        {
            foreach (var (name, value) in assignments) state.Set(name, value);
            return 0;
        }
        if (state.XTrace) await io.ErrAsync("+ " + string.Join(' ', assignments.Select(a => $"{a.Key}={a.Value}").Concat(fields)) + "\n", cancellationToken);
        if (await BuiltinAsync(fields, io, state, command.Line, subshell, cancellationToken) is { } builtin) return builtin;
        return await ExternalAsync(fields, assignments, io, state, command.Line, cancellationToken);
    }

    private async Task<int?> BuiltinAsync(List<string> fields, ProcessIO io, ShellVariables state, int line, bool subshell, CancellationToken cancellationToken)
    {
        switch (fields[0])
        {
            case ":":
                return 0;
            case "exit":
                var code = state.Status;
                if (fields.Count > 1 && !int.TryParse(fields[1], out code))
                {
                    await io.ErrAsync($"{state.Arg0}: {line}: exit: Illegal number: {fields[1]}\n", cancellationToken);
                    code = 2;
                }
                if (!subshell) (_exit, _exitStatus) = (true, code & 0xff);
                return code & 0xff;
            case "cd":
                var target = fields.Count > 1 ? fields[1] : state.Get("HOME") ?? "/";
                var path = ContainerFileSystem.Normalize(state.Cwd, target);
                if (!_commands.Container.Files.IsDirectory(path))
                {
                    await io.ErrAsync($"{state.Arg0}: {line}: cd: can't cd to {target}\n", cancellationToken);
                    return 2;
                }
                state.Cwd = path;
                state.Set("PWD", path);
                return 0;
            case "pwd":
                await io.OutAsync(state.Cwd + "\n", cancellationToken);
                return 0;
            case "export":
                if (fields.Count == 1)
                {
                    await io.OutAsync(string.Concat(state.Environment().Select(e => $"export {e.Key}='{e.Value}'\n")), cancellationToken);
                    return 0;
                }
                foreach (var field in fields.Skip(1))
                {
                    var eq = field.IndexOf('=');
                    if (eq > 0) state.Set(field[..eq], field[(eq + 1)..]);
                    state.Exported.Add(eq > 0 ? field[..eq] : field);
                }
                return 0;
            case "unset":
                foreach (var field in fields.Skip(1)) state.Unset(field);
                return 0;
            case "set":
                foreach (var option in fields.Skip(1))
                {
                    if (option.Length < 2 || option[0] is not ('-' or '+')) continue;
                    if (option.Contains('e')) state.ErrExit = option[0] == '-';
                    if (option.Contains('x')) state.XTrace = option[0] == '-';
                }
                return 0;
            case "exec" when fields.Count > 1:
                var status = await ExternalAsync(fields.Skip(1).ToList(), [], io, state, line, cancellationToken);
                if (!subshell) (_exit, _exitStatus) = (true, status);
                return status;
            case "exec":
                return 0;
            default:
                return null;
        }
    }

    private async Task<int> ExternalAsync(List<string> fields, List<KeyValuePair<string, string>> assignments, ProcessIO io, ShellVariables state, int line, CancellationToken cancellationToken)
    {
        var program = _commands.Find(fields[0], state.Cwd, out var failure);
        if (program is null)
        {
            var denied = failure?.EndsWith("permission denied", StringComparison.Ordinal) == true;
            var message = _name == "bash"
                ? $"bash: line {line}: {fields[0]}: {(denied ? "Permission denied" : fields[0].Contains('/') ? "No such file or directory" : "command not found")}\n"
                : $"{state.Arg0}: {line}: {fields[0]}: {(denied ? "Permission denied" : "not found")}\n";
            await io.ErrAsync(message, cancellationToken);
            return denied ? 126 : 127;
        }
        var environment = state.Environment().ToList();
        foreach (var (name, value) in assignments)
        {
            environment.RemoveAll(e => e.Key == name);
            environment.Add(new(name, value));
        }
        return await ContainerCommands.RunAsync(program, new ProcessStart(fields, io, environment, state.Cwd), cancellationToken);
    }

    private Task SyntaxErrorAsync(ShellSyntaxException e, CancellationToken cancellationToken) =>
        _process.IO.ErrAsync($"{_state.Arg0}: {e.Line}: Syntax error: {e.Message}\n", cancellationToken);

    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)=")]
    private static partial Regex AssignmentPattern();

}
