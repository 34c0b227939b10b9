using Dialer.Api.Apis;

namespace Dialer.Api.Pages.People;

/// <summary>The new-user form as typed; <see cref="ToRequest"/> makes the API's request of it (blank optional fields left out).</summary>
public sealed class UserForm
{
    public string Username { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string Role { get; set; } = Dialer.Db.Model.Roles.Agent;

    public string Password { get; set; } = "";

    public string SipUsername { get; set; } = "";

    public string SipPassword { get; set; } = "";

    public string Language { get; set; } = "zh";

    public CreateUserRequest ToRequest() => new(
        Username.Trim(),
        Blank(DisplayName),
        Role,
        Password,
        Blank(SipUsername),
        string.IsNullOrEmpty(SipPassword) ? null : SipPassword,
        Blank(Language));

    private static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
