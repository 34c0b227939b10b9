using Dialer.Api.Pages.Data;
using Dialer.Api.Pages.Live;

namespace Dialer.Api.Pages.Console;

/// <summary>An import's progress ("import:12"), for managers, twice a second until it is done.</summary>
public sealed class ImportTopic(ConsoleQueries queries, FragmentRenderer renderer) : ManagerIdTopic("import")
{
    public override TimeSpan Interval => TimeSpan.FromMilliseconds(500);

    protected override async Task<string> RenderAsync(long id, CancellationToken ct)
    {
        var import = await queries.ImportAsync(id, ct);
        return import is null
            ? ""
            : await renderer.RenderAsync<ImportProgress>(new Dictionary<string, object?> { [nameof(ImportProgress.Import)] = import });
    }
}
