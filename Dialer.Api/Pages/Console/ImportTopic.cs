using System.Globalization;
using System.Security.Claims;
using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Live;
using Dialer.Db.Model;

namespace Dialer.Api.Pages.Console;

/// <summary>An import's progress ("import:12"), for managers, twice a second until it is done.</summary>
public sealed class ImportTopic(ConsoleQueries queries, FragmentRenderer renderer) : ILiveTopic
{
    public TimeSpan Interval => TimeSpan.FromMilliseconds(500);

    public string? Resolve(string topic, ClaimsPrincipal user) =>
        topic.StartsWith("import:", StringComparison.Ordinal)
        && long.TryParse(topic["import:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out _)
        && (user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Manager))
            ? topic
            : null;

    public async Task<string> RenderAsync(string key, CancellationToken ct)
    {
        var import = await queries.ImportAsync(long.Parse(key["import:".Length..], CultureInfo.InvariantCulture), ct);
        return import is null
            ? ""
            : await renderer.RenderAsync<ImportProgress>(new Dictionary<string, object?> { [nameof(ImportProgress.Import)] = import });
    }
}
