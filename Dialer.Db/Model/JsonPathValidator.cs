using FluentValidation;
using FluentValidation.Results;

namespace Dialer.Db.Model;

/// <summary>
/// A validator whose error keys are the camelCase JSON paths the client wrote ("callingWindow.end",
/// "reminders[3].kind") instead of FluentValidation's C# member paths ("CallingWindow.End").
/// </summary>
public abstract class JsonPathValidator<T> : AbstractValidator<T>
{
    public override ValidationResult Validate(ValidationContext<T> context) =>
        CamelCase(base.Validate(context));

    public override async Task<ValidationResult> ValidateAsync(ValidationContext<T> context, CancellationToken cancellation = default) =>
        CamelCase(await base.ValidateAsync(context, cancellation));

    /// <summary>"CallingWindow.End" → "callingWindow.end"; "Reminders[3].Kind" → "reminders[3].kind".</summary>
    public static string CamelPath(string path) =>
        string.Join('.', path.Split('.').Select(s => s.Length == 0 ? s : char.ToLowerInvariant(s[0]) + s[1..]));

    private static ValidationResult CamelCase(ValidationResult result)
    {
        foreach (var failure in result.Errors)
        {
            failure.PropertyName = CamelPath(failure.PropertyName);
        }

        return result;
    }
}
