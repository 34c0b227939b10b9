using System.Globalization;
using System.Threading.RateLimiting;
using Dialer.Db;
using Dialer.Db.Auth;
using Dialer.Db.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace Dialer.Api.Auth;

/// <summary>Brute-force protection of the sign-ins (section SignIn).</summary>
public sealed class SignInOptions : IValidatedOptions
{
    public const string Section = "SignIn";

    /// <summary>Refused password checks of one user name within <see cref="FailureWindowMinutes"/> that lock it.</summary>
    public int MaxFailures { get; set; } = 5;

    public double FailureWindowMinutes { get; set; } = 15;

    /// <summary>How long a locked user name is refused (429) without its password being checked.</summary>
    public double LockoutMinutes { get; set; } = 15;

    /// <summary>Sign-in requests one client address may make per <see cref="PerAddressWindowSeconds"/> (ASP.NET Core rate limiting).</summary>
    public int PerAddressPermitLimit { get; set; } = 30;

    public double PerAddressWindowSeconds { get; set; } = 60;

    public IEnumerable<string> Problems() =>
        DialerOptions.Check(MaxFailures >= 1, $"{Section}:MaxFailures", "at least 1", MaxFailures)
            .Concat(DialerOptions.Check(FailureWindowMinutes > 0, $"{Section}:FailureWindowMinutes", "above 0", FailureWindowMinutes))
            .Concat(DialerOptions.Check(LockoutMinutes > 0, $"{Section}:LockoutMinutes", "above 0", LockoutMinutes))
            .Concat(DialerOptions.Check(PerAddressPermitLimit >= 1, $"{Section}:PerAddressPermitLimit", "at least 1", PerAddressPermitLimit))
            .Concat(DialerOptions.Check(PerAddressWindowSeconds > 0, $"{Section}:PerAddressWindowSeconds", "above 0", PerAddressWindowSeconds));
}

/// <summary>The result of a guarded sign-in: the user when it succeeded, or how long the user name stays locked.</summary>
public sealed record SignInResult(UserRow? User, TimeSpan? RetryAfter);

/// <summary>
/// Every sign-in (API and page) goes through here: a user name with <see cref="SignInOptions.MaxFailures"/> refused
/// password checks within the window is locked for <see cref="SignInOptions.LockoutMinutes"/>, whether or not a user has
/// that name (the answer tells nothing about which names exist), and every attempt is written to sign_in_audit. The
/// failures are counted from the audit table, so the lock holds across Api instances and restarts.
/// </summary>
public sealed class SignInGuard(UserStore users, SignInAuditStore audit, SignInOptions options, TimeProvider time)
{
    public const string AddressPolicy = "sign-in-per-address";

    public const string ChannelApi = "api";
    public const string ChannelPage = "page";

    public async Task<SignInResult> SignInAsync(string username, string password, string? address, string channel, CancellationToken ct)
    {
        if (!CouldBeAUser(username))
        {
            // Longer than any user name may be: refused like a wrong password, without trying it or writing it down.
            return new SignInResult(null, null);
        }

        var now = time.GetUtcNow();
        var window = TimeSpan.FromMinutes(options.FailureWindowMinutes);
        var lockout = TimeSpan.FromMinutes(options.LockoutMinutes);
        var failures = await audit.FailuresSinceAsync(username, (now - window - lockout).ToUnixTimeMilliseconds(), ct);
        var lockedUntil = LockedUntil(failures, options.MaxFailures, window, lockout);
        if (lockedUntil is { } until && until > now)
        {
            await audit.RecordAsync(username, null, address, channel, SignInReasons.Locked, now.ToUnixTimeMilliseconds(), ct);
            return new SignInResult(null, until - now);
        }

        var check = await users.VerifyAsync(username, password, ct);
        await audit.RecordAsync(username, check.UserId, address, channel, check.Reason, now.ToUnixTimeMilliseconds(), ct);
        return new SignInResult(check.User, null);
    }

    /// <summary>Whether a user may have this name at all (at most <see cref="Apis.CreateUserRequestValidator.MaxUsernameLength"/> characters).</summary>
    public static bool CouldBeAUser(string username) => username.Length <= Apis.CreateUserRequestValidator.MaxUsernameLength;

    /// <summary>
    /// When the lock from these failure times (oldest first) ends, or null: each run of <paramref name="maxFailures"/>
    /// failures within <paramref name="window"/> locks for <paramref name="lockout"/> from the last of them.
    /// </summary>
    public static DateTimeOffset? LockedUntil(IReadOnlyList<long> failures, int maxFailures, TimeSpan window, TimeSpan lockout)
    {
        DateTimeOffset? lockedUntil = null;
        var run = new Queue<DateTimeOffset>();
        foreach (var ms in failures)
        {
            var at = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            if (lockedUntil is { } until && at < until)
            {
                continue;
            }

            run.Enqueue(at);
            while (run.Peek() <= at - window)
            {
                run.Dequeue();
            }

            if (run.Count >= maxFailures)
            {
                lockedUntil = at + lockout;
                run.Clear();
            }
        }

        return lockedUntil;
    }

    /// <summary>Whole seconds for a Retry-After header (at least 1).</summary>
    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <summary>The 429 answer of a locked user name or a client address over its limit: the same for every user name.</summary>
    public static ProblemDetails TooMany(TimeSpan wait) => new()
    {
        Status = StatusCodes.Status429TooManyRequests,
        Title = "Too many sign-in attempts",
        Detail = Texts.Pick(
            $"Too many failed sign-ins; try again in {RetryAfterSeconds(wait)} seconds.",
            $"登录失败次数过多；请在 {RetryAfterSeconds(wait)} 秒后重试。"),
    };
}

public static class SignInProtection
{
    /// <summary>The guard, its options, and the per-address rate limit of the sign-in endpoints.</summary>
    public static IServiceCollection AddSignInProtection(this IServiceCollection services, IConfiguration configuration)
    {
        var options = services.AddDialerOptions<SignInOptions>(configuration, SignInOptions.Section);
        services.AddSingleton<SignInGuard>();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(SignInGuard.AddressPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PerAddressPermitLimit,
                    Window = TimeSpan.FromSeconds(options.PerAddressWindowSeconds),
                    QueueLimit = 0,
                }));
            limiter.OnRejected = async (context, ct) =>
            {
                var wait = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
                    ? retryAfter
                    : TimeSpan.FromSeconds(options.PerAddressWindowSeconds);
                context.HttpContext.Response.Headers.RetryAfter = SignInGuard.RetryAfterSeconds(wait);
                await TypedResults.Problem(SignInGuard.TooMany(wait)).ExecuteAsync(context.HttpContext);
            };
        });
        return services;
    }
}
