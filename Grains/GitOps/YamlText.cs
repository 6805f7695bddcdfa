using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Plural.Grains.GitOps;

/// <summary>
/// Loads YAML from Git into a <see cref="YamlStream"/>, turning every way the parser refuses text into a problem with
/// its line. YamlDotNet reports most syntax errors as <see cref="YamlException"/>, but some truncated input (an
/// unclosed flow sequence at the end of a file) as <see cref="InvalidOperationException"/> from its scanner; without
/// catching that, one bad commit would fail the whole evaluation instead of being reported.
/// </summary>
internal static class YamlText
{
    /// <summary>The loaded stream, or null and the 1-based line and reason of the first syntax error.</summary>
    public static (YamlStream? Yaml, int Line, string Problem) Load(string text)
    {
        var scanner = new Scanner(new StringReader(text));
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new Parser(scanner));
            return (yaml, 0, "");
        }
        catch (YamlException ex)
        {
            return (null, (int)ex.Start.Line, "invalid YAML: " + ex.Message.Split(" (Line")[0]);
        }
        catch (InvalidOperationException)
        {
            return (null, (int)scanner.CurrentPosition.Line, "invalid YAML: the text ends inside an unclosed [...] or {...}");
        }
    }
}
