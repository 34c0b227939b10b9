using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Dialer.Api.Security.Check;

/// <summary>
/// Every operation of the OpenAPI document and every other route of the app (the pages, the live hub, the document
/// itself), called as every principal of <see cref="CheckWorld.MatrixPrincipals"/>. What a principal may do is read
/// from the endpoint's own authorization metadata (its policies, [Authorize], [AllowAnonymous], else the fallback
/// policy) and evaluated by the app's authorization service for the principal's role, so nothing here lists routes
/// or roles by hand. A cell is a violation when a principal the policy does not allow is not refused (401, 403, 404,
/// or the pages' redirect to the sign-in or to the principal's own home) — a 2xx, or a 400 that shows it got past
/// authorization — and whenever anyone gets a 5xx other than 503 (a service saying it is not ready, such as /jobs before
/// a Worker has made its tables). Path parameters are the ids of things the check made.
/// </summary>
public static class RoleMatrix
{
    public sealed record Result(int Operations, int Principals, int Cells, IReadOnlyList<MatrixViolation> Violations, IReadOnlyList<MatrixRow> Rows);

    public sealed record Operation(string Method, string Route, string Path, Endpoint Endpoint);

    private static readonly string[] Roles = [Db.Model.Roles.Admin, Db.Model.Roles.Manager, Db.Model.Roles.Billing, Db.Model.Roles.Agent];

    public static async Task<Result> RunAsync(CheckClient client, IServiceProvider services, CheckWorld world, CancellationToken ct)
    {
        var violations = new List<MatrixViolation>();
        var operations = await OperationsAsync(client, services, world, violations, ct);
        var principals = world.MatrixPrincipals;
        var cells = 0;
        var rows = new List<MatrixRow>();
        foreach (var operation in operations.OrderBy(o => MethodRank(o.Method)).ThenBy(o => o.Route, StringComparer.Ordinal))
        {
            var allowed = await AllowedRolesAsync(operation.Endpoint, services);
            var row = new MatrixRow(operation.Method, operation.Route, []);
            rows.Add(row);
            // Those the policy refuses go first, before an allowed caller's change (a start, a revocation) alters the thing.
            foreach (var principal in principals.OrderBy(p => allowed(p.Role)))
            {
                var answer = await client.SendAsync(new HttpMethod(operation.Method), operation.Path, principal, ct: ct);
                cells++;
                var may = allowed(principal.Role);
                row.Cells.Add(new MatrixCell(principal.Name, may, answer.ToString()));
                if (answer.Status >= 500 && answer.Status != 503)
                {
                    violations.Add(new(operation.Method, operation.Route, principal.Name, answer.ToString(), "server error"));
                }
                else if (!may && !Refused(answer, principal))
                {
                    violations.Add(new(operation.Method, operation.Route, principal.Name, answer.ToString(),
                        answer.Status < 300 ? "the policy does not allow this principal" : "got past authorization"));
                }

                if (operation.Method != "GET" && answer.Status < 400 && principal.Role is not null)
                {
                    await KeepSignedInAsync(client, principal, ct);
                }
            }

            row.Cells.Sort((a, b) => Order(a).CompareTo(Order(b)));
        }

        return new Result(operations.Count, principals.Count, cells, violations, rows);

        int Order(MatrixCell cell) => principals.Select((p, i) => (p, i)).First(x => x.p.Name == cell.Principal).i;
    }

    /// <summary>The page routes that take form posts, each with a signed-in principal its policy allows.</summary>
    public static IEnumerable<(string Route, Principal Principal)> PageFormRoutes(IServiceProvider services, CheckWorld world)
    {
        foreach (var (method, route, endpoint) in Routes(services))
        {
            // This app's own forms: its route handlers and its pages (not the live hub, nor Hangfire's read-only dashboard).
            var ours = endpoint.Metadata.GetMetadata<System.Reflection.MethodInfo>()?.DeclaringType?.Assembly == typeof(RoleMatrix).Assembly
                || endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Components.Endpoints.ComponentTypeMetadata>() is not null;
            if (method != "POST" || !ours || route.StartsWith("/api/", StringComparison.Ordinal) || route.StartsWith("/hubs/", StringComparison.Ordinal))
            {
                continue;
            }

            var allowed = AllowedRolesAsync(endpoint, services).GetAwaiter().GetResult();
            var principal = new[] { world.AdminUser, world.ManagerUser, world.AgentUser }.FirstOrDefault(p => allowed(p.Role))
                ?? throw new InvalidOperationException($"No signed-in principal may post to {route}.");
            yield return (Sample(route, world), principal);
        }
    }

    /// <summary>The operations of the OpenAPI document, each matched to its endpoint, and the routes the document leaves out.</summary>
    private static async Task<List<Operation>> OperationsAsync(
        CheckClient client, IServiceProvider services, CheckWorld world, List<MatrixViolation> violations, CancellationToken ct)
    {
        var routes = Routes(services).ToList();
        var byKey = new Dictionary<(string, string), (string Method, string Route, Endpoint Endpoint)>();
        foreach (var route in routes)
        {
            byKey.TryAdd((route.Method, Normal(route.Route)), route);
        }

        var document = await client.GetAsync("/openapi/v1.json", world.Admin, ct);
        if (document.Status != 200)
        {
            throw new InvalidOperationException($"GET /openapi/v1.json: {document}");
        }

        var operations = new List<Operation>();
        var documented = new HashSet<(string, string)>();
        using var json = JsonDocument.Parse(document.Body);
        foreach (var path in json.RootElement.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject().Where(m => m.Name is "get" or "post" or "put" or "patch" or "delete"))
            {
                var key = (method.Name.ToUpperInvariant(), Normal(path.Name));
                if (!byKey.TryGetValue(key, out var route))
                {
                    violations.Add(new(key.Item1, path.Name, "-", "no endpoint", "the OpenAPI document names an operation the app does not serve"));
                    continue;
                }

                documented.Add(key);
                operations.Add(new Operation(route.Method, route.Route, Sample(route.Route, world), route.Endpoint));
            }
        }

        if (operations.Count == 0)
        {
            throw new InvalidOperationException("The OpenAPI document has no operations.");
        }

        // The pages, the live hub and the document itself are not in the document: from the endpoint table.
        operations.AddRange(routes.Where(r => !documented.Contains((r.Method, Normal(r.Route))))
            .Select(r => new Operation(r.Method, r.Route, Sample(r.Route, world), r.Endpoint)));
        return operations;
    }

    /// <summary>Every route of the app's endpoint table with each of its methods, static files left out.</summary>
    private static IEnumerable<(string Method, string Route, Endpoint Endpoint)> Routes(IServiceProvider services)
    {
        var seen = new HashSet<(string, string)>();
        // By order first: where two endpoints share a route, the one routing picks (the lower order) is the one called.
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().OrderBy(e => e.Order))
        {
            if (IsStaticFile(endpoint))
            {
                continue;
            }

            var route = Template(endpoint.RoutePattern);
            var methods = endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"];
            foreach (var method in methods.Where(m => m is "GET" or "POST" or "PUT" or "PATCH" or "DELETE"))
            {
                if (seen.Add((method, route)))
                {
                    yield return (method, route, endpoint);
                }
            }
        }
    }

    /// <summary>The files of wwwroot (MapStaticAssets): anonymous by design and no operation.</summary>
    private static bool IsStaticFile(RouteEndpoint endpoint) =>
        endpoint.Metadata.Any(m => m.GetType().Name == "StaticAssetDescriptor");

    /// <summary>Who the endpoint's authorization lets in, by role (null: nobody signed in), as the app's authorization evaluates it.</summary>
    public static async Task<Func<string?, bool>> AllowedRolesAsync(Endpoint endpoint, IServiceProvider services)
    {
        if (endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
        {
            return _ => true;
        }

        var provider = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var policy = await AuthorizationPolicy.CombineAsync(provider, endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>(),
            endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>()) ?? await provider.GetFallbackPolicyAsync();
        if (policy is null)
        {
            return _ => true;
        }

        var authorization = services.GetRequiredService<IAuthorizationService>();
        var allowed = new HashSet<string>();
        foreach (var role in Roles)
        {
            var user = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], "check"));
            if ((await authorization.AuthorizeAsync(user, null, policy)).Succeeded)
            {
                allowed.Add(role);
            }
        }

        var anonymous = (await authorization.AuthorizeAsync(new ClaimsPrincipal(new ClaimsIdentity()), null, policy)).Succeeded;
        return role => role is null ? anonymous : allowed.Contains(role);
    }

    /// <summary>
    /// Refused as the API refuses (401, 403, 404) or as the pages do: to the sign-in, or, signed in with the wrong role,
    /// to the principal's own home (<see cref="Pages.Account.PageAuthorization.HomeFor"/>).
    /// </summary>
    private static bool Refused(Answer answer, Principal principal)
    {
        if (answer.Status is 401 or 403 or 404)
        {
            return true;
        }

        if (answer.Status is not (302 or 303) || answer.Location is not { } location)
        {
            return false;
        }

        var home = principal.Role is null ? "/login"
            : Pages.Account.PageAuthorization.HomeFor(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, principal.Role)], "check")));
        return location.StartsWith("/login", StringComparison.Ordinal) || location == home;
    }

    /// <summary>A change by an allowed principal may have ended its own session (sign-out): it signs in again.</summary>
    private static async Task KeepSignedInAsync(CheckClient client, Principal principal, CancellationToken ct)
    {
        if ((await client.GetAsync("/api/auth/me", principal, ct)).Status != 401)
        {
            return;
        }

        var (username, password) = principal.SignIn ?? throw new InvalidOperationException($"{principal.Name} lost its credential in the matrix.");
        principal.Token = await client.SignInAsync(username, password, ct);
    }

    private static int MethodRank(string method) => method switch
    {
        "GET" => 0,
        "DELETE" => 2,
        _ => 1,
    };

    /// <summary>The route as written, parameters as {name} without constraints.</summary>
    private static string Template(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart { IsCatchAll: true } parameter => $"{{**{parameter.Name}}}",
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => "?",
        }))));

    private static string Normal(string route) => route.Length > 1 ? route.TrimEnd('/') : route;

    /// <summary>
    /// The route with its parameters replaced by things the check made: the id is chosen by the collection it follows
    /// (campaigns, keys, users, …). A parameter not known here stops the check, naming it, so that a new route is
    /// given an existing id rather than skipped.
    /// </summary>
    public static string Sample(string route, CheckWorld world)
    {
        var segments = route.Split('/');
        for (var i = 0; i < segments.Length; i++)
        {
            var s = segments[i];
            var open = s.IndexOf('{', StringComparison.Ordinal);
            if (open < 0)
            {
                continue;
            }

            var close = s.IndexOf('}', open);
            var name = s[(open + 1)..close].TrimStart('*');
            var collection = i > 0 ? segments[i - 1] : "";
            var value = name.ToLowerInvariant() switch
            {
                "action" => "start",
                "control" => "hold",
                "documentname" => "v1",
                "phone" => Uri.EscapeDataString(CheckWorld.DncPhone),
                "path" when s.StartsWith("{**", StringComparison.Ordinal) => "",
                "id" => collection switch
                {
                    "campaigns" => CheckWorld.Text(world.Care),
                    "keys" => CheckWorld.Text(world.SpareKey),
                    "users" => CheckWorld.Text(world.SpareUser),
                    "imports" => CheckWorld.Text(world.ImportOfCare),
                    "reminders" => world.ReminderOfA,
                    "webhooks" => CheckWorld.Text(world.WebhookOfC),
                    "test-calls" => CheckWorld.Text(world.TestCall),
                    // The first contact of the check's import; a call that may not exist (a 404 for those allowed).
                    "contacts" => "1",
                    "calls" => "1",
                    "monitors" => "1",
                    _ => null,
                },
                _ => null,
            } ?? throw new InvalidOperationException($"The role matrix has no existing value for {{{name}}} in {route}: add one to RoleMatrix.Sample.");
            segments[i] = s[..open] + value + s[(close + 1)..];
        }

        return string.Join('/', segments);
    }
}
