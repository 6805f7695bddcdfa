using System.Reflection;
using Plural.Grains.Access;

namespace Plural.Gateway.Tests.Proxy;

/// <summary>
/// Grains that answer without a cluster: each agent's access policy is <see cref="AgentAccessPolicy.Default"/> (or
/// the one a test set), and every other query answers null, as for an agent that was never registered.
/// </summary>
internal class FakeGrains : DispatchProxy
{
    public static AgentAccessPolicy Policy { get; set; } = AgentAccessPolicy.Default;

    public static IGrainFactory Create() => DispatchProxy.Create<IGrainFactory, FakeGrains>();

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method is { Name: nameof(IGrainFactory.GetGrain), IsGenericMethod: true } && method.ReturnType.IsInterface)
        {
            return typeof(DispatchProxy).GetMethod(nameof(DispatchProxy.Create), 2, [])!
                .MakeGenericMethod(method.ReturnType, typeof(FakeGrain)).Invoke(null, null);
        }

        throw new NotSupportedException(method?.Name);
    }

    internal class FakeGrain : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? method, object?[]? args)
        {
            if (method?.DeclaringType == typeof(IAgentAccessGrain) && method.Name == nameof(IAgentAccessGrain.Get))
            {
                return Task.FromResult(Policy);
            }

            if (method?.ReturnType is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(Task<>))
            {
                var result = type.GetGenericArguments()[0];
                return typeof(Task).GetMethod(nameof(Task.FromResult))!.MakeGenericMethod(result)
                    .Invoke(null, [result.IsValueType ? Activator.CreateInstance(result) : null]);
            }

            throw new NotSupportedException(method?.Name);
        }
    }
}
