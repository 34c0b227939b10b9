using Dialer.Db.Model;
using Microsoft.AspNetCore.Authorization;

namespace Dialer.Api.Auth;

/// <summary>Authorisation policies by role. Every endpoint names one; the fallback requires a signed-in caller.</summary>
public static class Policies
{
    public const string Admin = "admin";
    public const string Manager = "manager";   // admin or manager
    public const string Billing = "billing";
    public const string Agent = "agent";

    public static AuthorizationBuilder AddDialerPolicies(this AuthorizationBuilder builder) => builder
        .SetFallbackPolicy(new AuthorizationPolicyBuilder(DialerAuthentication.SchemeName).RequireAuthenticatedUser().Build())
        .AddPolicy(Admin, p => p.AddAuthenticationSchemes(DialerAuthentication.SchemeName).RequireRole(Roles.Admin))
        .AddPolicy(Manager, p => p.AddAuthenticationSchemes(DialerAuthentication.SchemeName).RequireRole(Roles.Admin, Roles.Manager))
        .AddPolicy(Billing, p => p.AddAuthenticationSchemes(DialerAuthentication.SchemeName).RequireRole(Roles.Billing))
        .AddPolicy(Agent, p => p.AddAuthenticationSchemes(DialerAuthentication.SchemeName).RequireRole(Roles.Agent));
}
