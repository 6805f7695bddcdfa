using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Plural.Grains.GitOps;

/// <summary>
/// Loads YAML from Git into a <see cref="YamlStream"/>, turning every way the parser refuses text into a problem with
/// its line. YamlDotNet reports most syntax errors as <see cref="YamlException"/>, but some input otherwise: truncated
/// text (an unclosed flow sequence at the end of a file) as <see cref="InvalidOperationException"/> from its scanner,
/// and event sequences its loader refuses (a key after a document's end) as <see cref="ArgumentException"/>. Without
/// catching those, one bad commit would fail the whole evaluation instead of being reported.
/// </summary>
internal static class YamlText
{
    // Configurations and manifests nest a handful of levels; anything far deeper is not one (and the loader recurses).
    private const int MaxDepth = 32;

    /// <summary>The loaded stream, or null and the 1-based line and reason of the first syntax error.</summary>
    public static (YamlStream? Yaml, int Line, string Problem) Load(string text)
    {
        var scanner = new Scanner(new StringReader(text));
        var parser = new BoundedYamlParser(new Parser(scanner), MaxDepth);
        var yaml = new YamlStream();
        try
        {
            yaml.Load(parser);
            return (yaml, 0, "");
        }
        catch (YamlException ex)
        {
            return (null, (int)ex.Start.Line, "invalid YAML: " + ex.Message.Split(" (Line")[0]);
        }
        catch (InvalidOperationException) when (scanner.CurrentPosition.Index >= text.TrimEnd().Length)
        {
            return (null, (int)scanner.CurrentPosition.Line, "invalid YAML: the text ends inside an unclosed [...] or {...}");
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return (null, parser.Line, "invalid YAML: " + ex.Message.Split(" (Parameter")[0]);
        }
    }
}
