namespace Dialer.Worker.Sip.Messages;

public static class SipMethods
{
    public const string Invite = "INVITE";
    public const string Ack = "ACK";
    public const string Bye = "BYE";
    public const string Cancel = "CANCEL";
    public const string Options = "OPTIONS";
    public const string Register = "REGISTER";
    public const string Info = "INFO";
    public const string Notify = "NOTIFY";
    public const string Update = "UPDATE";
    public const string Prack = "PRACK";

    /// <summary>Returns the shared string for well-known methods so parsing does not allocate for them.</summary>
    public static string Intern(ReadOnlySpan<char> method) => method switch
    {
        Invite => Invite,
        Ack => Ack,
        Bye => Bye,
        Cancel => Cancel,
        Options => Options,
        Register => Register,
        Info => Info,
        Notify => Notify,
        Update => Update,
        Prack => Prack,
        _ => method.ToString(),
    };
}
