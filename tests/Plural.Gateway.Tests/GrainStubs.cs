using System.Reflection;

namespace Plural.Gateway.Tests;

/// <summary>
/// An <see cref="IGrainFactory"/> whose grains answer from lambdas, for unit tests of gateway code that makes one or
/// two grain calls. Every call is recorded; a call nobody scripted fails loudly.
/// </summary>
internal sealed class GrainStubs
{
    private readonly Dictionary<(Type Grain, string Method), Func<string, object?[], object?>> _answers = [];
    private readonly List<(string Key, string Method, object?[] Args)> _calls = [];

    public GrainStubs() => Factory = Stub.Create<IGrainFactory>(GetGrain);

    public IGrainFactory Factory { get; }

    /// <summary>Calls made so far: grain key, method name and arguments.</summary>
    public IReadOnlyList<(string Key, string Method, object?[] Args)> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>Scripts <typeparamref name="TGrain"/>.<paramref name="method"/>: given the grain key and arguments, returns its task.</summary>
    public GrainStubs On<TGrain>(string method, Func<string, object?[], object?> answer)
    {
        _answers[(typeof(TGrain), method)] = answer;
        return this;
    }

    private object? GetGrain(MethodInfo method, object?[] args)
    {
        if (method.Name != nameof(IGrainFactory.GetGrain) || !method.IsGenericMethod)
        {
            throw new NotSupportedException($"IGrainFactory.{method.Name} is not stubbed");
        }

        var grain = method.GetGenericArguments()[0];
        var key = args[0]?.ToString() ?? "";
        return Stub.Create(grain, (call, callArgs) =>
        {
            lock (_calls)
            {
                _calls.Add((key, call.Name, callArgs));
            }

            return _answers.TryGetValue((grain, call.Name), out var answer)
                ? answer(key, callArgs)
                : throw new NotSupportedException($"{grain.Name}.{call.Name} is not stubbed");
        });
    }

    /// <summary>An interface implemented by one lambda.</summary>
    public class Stub : DispatchProxy
    {
        private Func<MethodInfo, object?[], object?> _handler = null!;

        public static T Create<T>(Func<MethodInfo, object?[], object?> handler) where T : class => (T)Create(typeof(T), handler);

        public static object Create(Type type, Func<MethodInfo, object?[], object?> handler)
        {
            var proxy = Create(type, typeof(Stub));
            ((Stub)proxy)._handler = handler;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => _handler(targetMethod!, args ?? []);
    }
}
