namespace Dialer.Worker.Sip.Messages;

/// <summary>The CSeq header: sequence number and method.</summary>
public readonly record struct SipCSeq(uint Number, string Method)
{
    public static bool TryParse(string text, out SipCSeq cseq)
    {
        cseq = default;
        var s = text.AsSpan().Trim();
        var space = s.IndexOfAny(' ', '\t');
        if (space <= 0)
        {
            return false;
        }

        var number = s[..space];
        var method = s[(space + 1)..].Trim();
        if (number.Length > 10 || !uint.TryParse(number, System.Globalization.NumberStyles.None, null, out var n) || n > int.MaxValue
            || !SipText.IsToken(method))
        {
            return false;
        }

        cseq = new SipCSeq(n, SipMethods.Intern(method));
        return true;
    }

    public override string ToString() => Number + " " + Method;
}
