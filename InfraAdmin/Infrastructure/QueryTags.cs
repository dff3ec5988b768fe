namespace InfraAdmin.Infrastructure;

/// <summary>
/// Comments put on the SQL of the dashboards' summary queries (EF Core's TagWith), so the database's and the app's
/// command logs say which page part sent a query; the end-to-end tests count them per page load.
/// </summary>
public static class QueryTags
{
    public const string IpOverview = "InfraAdmin: IP overview figures";
    public const string VpsOverview = "InfraAdmin: VPS overview figures";
    public const string VpsHeadline = "InfraAdmin: VPS headline figures";
    public const string CostMonthSummary = "InfraAdmin: cost month summary";
}
