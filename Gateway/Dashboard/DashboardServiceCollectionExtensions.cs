namespace Plural.Gateway.Dashboard;

/// <summary>Registers the dashboard's services; pair with <see cref="DashboardEndpoint.MapDashboard"/>.</summary>
internal static class DashboardServiceCollectionExtensions
{
    /// <summary>Adds what the dashboard's JSON reads use.</summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services) =>
        services.AddSingleton<DashboardAgentList>();
}
