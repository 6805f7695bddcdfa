using Grpc.Core;
using Plural.Protocol.Kubernetes;

namespace Plural.Gateway.Listeners;

/// <summary>
/// The arguments every listing call reads alike: a page size (0 for the default, capped at the maximum) and a label
/// selector, each refused as <c>InvalidArgument</c> naming its field.
/// </summary>
internal static class ListArguments
{
    public const int DefaultPageSize = 100, MaxPageSize = 1000;

    public static int PageSize(int requested, string field = "page_size") =>
        requested < 0 ? throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: must not be negative"))
        : requested == 0 ? DefaultPageSize
        : Math.Min(requested, MaxPageSize);

    public static LabelSelector Selector(string? text, string field)
    {
        try
        {
            return LabelSelector.Parse(text);
        }
        catch (FormatException bad)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: {bad.Message}"));
        }
    }
}
