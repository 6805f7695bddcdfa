using System.Globalization;
using System.Text;

namespace Plural.KubeEmulator.Streaming.Commands;

/// <summary>
/// The GNU coreutils the emulated image carries, with their options, messages and exit statuses as far
/// as sessions are likely to notice: <c>echo</c>, <c>cat</c>, <c>env</c>, <c>printenv</c>, <c>date</c>,
/// <c>ls</c>, <c>sleep</c>, <c>uname</c>, and helpers for the one-line programs.
/// </summary>
internal static class Coreutils
{
    public static async Task<int> OutputAsync(ProcessStart process, string text, CancellationToken cancellationToken)
    {
        await process.IO.OutAsync(text, cancellationToken);
        return 0;
    }

    public static Task<int> EchoAsync(ProcessStart process, CancellationToken cancellationToken)
    {
        var args = process.Arguments.ToList();
        bool newline = true, escapes = false;
        while (args.Count > 0 && args[0].Length > 1 && args[0][0] == '-' && args[0][1..].All(c => c is 'n' or 'e' or 'E'))
        {
            foreach (var flag in args[0][1..])
            {
                if (flag == 'n') newline = false;
                else escapes = flag == 'e';
            }
            args.RemoveAt(0);
        }
        var text = string.Join(' ', args);
        if (escapes) text = Unescape(text, ref newline);
        return OutputAsync(process, newline ? text + "\n" : text, cancellationToken);
    }

    private static string Unescape(string text, ref bool newline)
    {
        var result = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 == text.Length)
            {
                result.Append(text[i]);
                continue;
            }
            switch (text[++i])
            {
                case 'n': result.Append('\n'); break;
                case 't': result.Append('\t'); break;
                case 'r': result.Append('\r'); break;
                case '\\': result.Append('\\'); break;
                case 'c':
                    newline = false;
                    return result.ToString();
                default: result.Append('\\').Append(text[i]); break;
            }
        }
        return result.ToString();
    }

    public static async Task<int> CatAsync(ContainerFileSystem files, ProcessStart process, CancellationToken cancellationToken)
    {
        var operands = process.Arguments.Count == 0 ? ["-"] : process.Arguments;
        var status = 0;
        foreach (var file in operands)
        {
            if (file == "-")
            {
                using var foreground = process.Foreground(cancellationToken);
                await process.IO.Stdin.CopyToAsync(process.IO.Stdout, foreground.Token);
                continue;
            }
            var path = ContainerFileSystem.Normalize(process.WorkingDirectory, file);
            if (files.IsDirectory(path))
            {
                await process.IO.ErrAsync($"cat: {file}: Is a directory\n", cancellationToken);
                status = 1;
            }
            else if (files.Read(path) is { } content)
            {
                await process.IO.OutAsync(content, cancellationToken);
            }
            else
            {
                await process.IO.ErrAsync($"cat: {file}: No such file or directory\n", cancellationToken);
                status = 1;
            }
        }
        return status;
    }

    public static async Task<int> EnvAsync(ContainerCommands commands, ProcessStart process, CancellationToken cancellationToken)
    {
        var environment = process.Environment.ToList();
        var args = process.Arguments.ToList();
        while (args.Count > 0 && args[0].IndexOf('=') > 0)
        {
            var (name, value) = (args[0][..args[0].IndexOf('=')], args[0][(args[0].IndexOf('=') + 1)..]);
            environment.RemoveAll(e => e.Key == name);
            environment.Add(new(name, value));
            args.RemoveAt(0);
        }
        if (args.Count == 0) return await OutputAsync(process, string.Concat(environment.Select(e => $"{e.Key}={e.Value}\n")), cancellationToken);
        var program = commands.Find(args[0], process.WorkingDirectory, out _);
        if (program is null)
        {
            await process.IO.ErrAsync($"env: '{args[0]}': No such file or directory\n", cancellationToken);
            return 127;
        }
        return await ContainerCommands.RunAsync(program, process with { Argv = args, Environment = environment }, cancellationToken);
    }

    public static async Task<int> PrintEnvAsync(ProcessStart process, CancellationToken cancellationToken)
    {
        if (process.Arguments.Count == 0) return await OutputAsync(process, string.Concat(process.Environment.Select(e => $"{e.Key}={e.Value}\n")), cancellationToken);
        var status = 0;
        foreach (var name in process.Arguments)
        {
            var match = process.Environment.Where(e => e.Key == name).Select(e => e.Value).LastOrDefault();
            if (match is null) status = 1;
            else await process.IO.OutAsync(match + "\n", cancellationToken);
        }
        return status;
    }

    public static Task<int> DateAsync(TimeProvider time, ProcessStart process, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var format = process.Arguments.FirstOrDefault(a => a.StartsWith('+'));
        var text = format is null
            ? now.ToString("ddd MMM ", CultureInfo.InvariantCulture) + now.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + now.ToString(" HH:mm:ss 'UTC' yyyy", CultureInfo.InvariantCulture)
            : Strftime(format[1..], now);
        return OutputAsync(process, text + "\n", cancellationToken);
    }

    private static string Strftime(string format, DateTime t)
    {
        var result = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] != '%' || i + 1 == format.Length)
            {
                result.Append(format[i]);
                continue;
            }
            result.Append(format[++i] switch
            {
                'Y' => t.ToString("yyyy", CultureInfo.InvariantCulture),
                'm' => t.ToString("MM", CultureInfo.InvariantCulture),
                'd' => t.ToString("dd", CultureInfo.InvariantCulture),
                'H' => t.ToString("HH", CultureInfo.InvariantCulture),
                'M' => t.ToString("mm", CultureInfo.InvariantCulture),
                'S' => t.ToString("ss", CultureInfo.InvariantCulture),
                'F' => t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                'T' => t.ToString("HH:mm:ss", CultureInfo.InvariantCulture),
                's' => new DateTimeOffset(t, TimeSpan.Zero).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
                'Z' => "UTC",
                '%' => "%",
                var other => "%" + other,
            });
        }
        return result.ToString();
    }

    public static async Task<int> ListAsync(ContainerFileSystem files, ProcessStart process, CancellationToken cancellationToken)
    {
        var flags = process.Arguments.Where(a => a.Length > 1 && a[0] == '-').SelectMany(a => a[1..]).ToHashSet();
        var paths = process.Arguments.Where(a => a.Length <= 1 || a[0] != '-').ToList();
        if (paths.Count == 0) paths.Add(".");
        var status = 0;
        var output = new StringBuilder();
        foreach (var path in paths)
        {
            var full = ContainerFileSystem.Normalize(process.WorkingDirectory, path);
            if (!files.Exists(full))
            {
                await process.IO.ErrAsync($"ls: cannot access '{path}': No such file or directory\n", cancellationToken);
                status = 2;
                continue;
            }
            if (!files.IsDirectory(full))
            {
                output.Append(flags.Contains('l') ? LongEntry(path, directory: false) + "\n" : path + "\n");
                continue;
            }
            if (paths.Count > 1) output.Append(path).Append(":\n");
            var names = files.List(full).ToList();
            if (flags.Contains('a')) names.InsertRange(0, [".", ".."]);
            if (flags.Contains('l'))
            {
                output.Append("total ").Append(names.Count * 4).Append('\n');
                foreach (var name in names) output.Append(LongEntry(name, files.IsDirectory(ContainerFileSystem.Normalize(full, name)))).Append('\n');
            }
            else if (process.IO.Tty && !flags.Contains('1'))
            {
                if (names.Count > 0) output.Append(string.Join("  ", names)).Append('\n');
            }
            else
            {
                foreach (var name in names) output.Append(name).Append('\n');
            }
        }
        await process.IO.OutAsync(output.ToString(), cancellationToken);
        return status;
    }

    private static string LongEntry(string name, bool directory) =>
        directory ? $"drwxr-xr-x 2 root root 4096 Jan  1 00:00 {name}" : $"-rw-r--r-- 1 root root  128 Jan  1 00:00 {name}";

    public static async Task<int> SleepAsync(ProcessStart process, CancellationToken cancellationToken)
    {
        if (process.Arguments.Count == 0)
        {
            await process.IO.ErrAsync("sleep: missing operand\nTry 'sleep --help' for more information.\n", cancellationToken);
            return 1;
        }
        var total = TimeSpan.Zero;
        foreach (var argument in process.Arguments)
        {
            if (ParseInterval(argument) is not { } interval)
            {
                await process.IO.ErrAsync($"sleep: invalid time interval '{argument}'\nTry 'sleep --help' for more information.\n", cancellationToken);
                return 1;
            }
            total = interval == Timeout.InfiniteTimeSpan || total == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : total + interval;
        }
        using var foreground = process.Foreground(cancellationToken);
        await Task.Delay(total, foreground.Token);
        return 0;
    }

    /// <summary>GNU sleep's intervals: a number with an optional s, m, h or d suffix, or <c>infinity</c>.</summary>
    private static TimeSpan? ParseInterval(string text)
    {
        if (text is "inf" or "infinity") return Timeout.InfiniteTimeSpan;
        var unit = text.Length > 0 && char.IsLetter(text[^1]) ? text[^1] : 's';
        var number = char.IsLetter(text.Length > 0 ? text[^1] : ' ') ? text[..^1] : text;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value < 0) return null;
        var seconds = unit switch { 's' => value, 'm' => value * 60, 'h' => value * 3600, 'd' => value * 86400, _ => double.NaN };
        if (double.IsNaN(seconds)) return null;
        // Longer than Task.Delay can wait is as good as forever for a session.
        return seconds >= int.MaxValue / 1000.0 ? Timeout.InfiniteTimeSpan : TimeSpan.FromSeconds(seconds);
    }

    public static Task<int> UnameAsync(string hostname, ProcessStart process, CancellationToken cancellationToken)
    {
        var flags = process.Arguments.SelectMany(a => a.TrimStart('-')).ToHashSet();
        var parts = new List<string>();
        if (flags.Count == 0 || flags.Contains('s') || flags.Contains('a')) parts.Add("Linux");
        if (flags.Contains('n') || flags.Contains('a')) parts.Add(hostname);
        if (flags.Contains('r') || flags.Contains('a')) parts.Add("6.8.0-emulated");
        if (flags.Contains('m') || flags.Contains('a')) parts.Add("x86_64");
        if (flags.Contains('a')) parts.Add("GNU/Linux");
        return OutputAsync(process, string.Join(' ', parts) + "\n", cancellationToken);
    }
}
