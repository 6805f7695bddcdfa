using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Plural.Grains.GitOps;

/// <summary>
/// YamlDotNet's parser with a nesting limit. The representation model loads nested nodes recursively, so a file of
/// a few thousand '[' could exhaust the stack of the silo; no configuration nests deeper than a handful of levels.
/// Also remembers the last event read, so that a failure without a position still names a line.
/// </summary>
internal sealed class BoundedYamlParser(IParser inner, int maxDepth) : IParser
{
    private readonly IParser _inner = inner;
    private int _depth;

    public ParsingEvent? Current => _inner.Current;

    /// <summary>Line of the last event read (1-based), or 1 before the first.</summary>
    public int Line => (int)Math.Max(1, _inner.Current?.Start.Line ?? 1);

    public bool MoveNext()
    {
        if (!_inner.MoveNext())
        {
            return false;
        }

        switch (_inner.Current)
        {
            case MappingStart or SequenceStart when ++_depth > maxDepth:
                throw new YamlException(_inner.Current.Start, _inner.Current.End, $"nesting deeper than {maxDepth} levels");
            case MappingEnd or SequenceEnd:
                _depth--;
                break;
        }

        return true;
    }
}
