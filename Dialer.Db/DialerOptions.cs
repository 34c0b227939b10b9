using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Dialer.Db;

/// <summary>Options that check their own values: each problem names its configuration key and what it must be.</summary>
public interface IValidatedOptions
{
    IEnumerable<string> Problems();
}

/// <summary>
/// Configuration sections bound once per process and checked at start: <see cref="AddDialerOptions{T}"/> binds the section,
/// refuses the start with every problem at once (<see cref="OptionsValidationException"/>), and registers the one instance
/// every later registration and service uses.
/// </summary>
public static class DialerOptions
{
    public static T AddDialerOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class, IValidatedOptions, new()
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(T) && d.ImplementationInstance is T) is { ImplementationInstance: T bound })
        {
            return bound;
        }

        var options = Bind<T>(configuration, section);
        services.AddSingleton(options);
        return options;
    }

    /// <summary>Binds and checks a section without registering it (tools and benchmarks that build no container).</summary>
    public static T Bind<T>(IConfiguration configuration, string section)
        where T : class, IValidatedOptions, new()
    {
        T options;
        try
        {
            options = configuration.GetSection(section).Get<T>() ?? new T();
        }
        catch (InvalidOperationException e)
        {
            // A value of the wrong type ("abc" for a number): the binder's message names the key.
            throw new OptionsValidationException(section, typeof(T), [e.Message]);
        }

        var problems = options.Problems().ToList();
        if (problems.Count > 0)
        {
            throw new OptionsValidationException(section, typeof(T), problems);
        }

        return options;
    }

    /// <summary>The problem "<paramref name="key"/> must be …, not …" when <paramref name="ok"/> is false.</summary>
    public static IEnumerable<string> Check(bool ok, string key, string must, object? value)
    {
        if (!ok)
        {
            yield return $"{key} must be {must}, not {value ?? "empty"}.";
        }
    }
}
