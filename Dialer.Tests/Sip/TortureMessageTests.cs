using Dialer.Tests.Sip.Support;
using Dialer.Worker.Sip.Messages;

namespace Dialer.Tests.Sip;

/// <summary>RFC 4475 torture messages (Data/valid, Data/invalid, Data/semantic).</summary>
public class TortureMessageTests
{
    public static IEnumerable<object[]> Valid => SipTestData.Files("valid");

    public static IEnumerable<object[]> Invalid => SipTestData.Files("invalid");

    public static IEnumerable<object[]> Semantic => SipTestData.Files("semantic");

    [Theory]
    [MemberData(nameof(Valid))]
    public void ValidTortureMessagesParse(string file)
    {
        var message = SipParser.Parse(SipTestData.Load("valid", file));

        Assert.NotEmpty(message.CallId);
        Assert.NotNull(message.TopVia);
        // What we parsed serializes to something we parse again to the same essentials.
        var again = SipParser.Parse(message.ToBytes());
        Assert.Equal(message.CallId, again.CallId);
        Assert.Equal(message.CSeq, again.CSeq);
        Assert.Equal(message.Body, again.Body);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void InvalidTortureMessagesAreRejected(string file)
    {
        var bytes = SipTestData.Load("invalid", file);

        Assert.Throws<SipParseException>(() => SipParser.Parse(bytes));
    }

    [Theory]
    [MemberData(nameof(Semantic))]
    public void SemanticallyInvalidMessagesNeverThrowUnexpectedly(string file)
    {
        var bytes = SipTestData.Load("semantic", file);

        var ok = SipParser.TryParse(bytes, out var message, out var error);

        Assert.True(ok ? message is not null : error is not null);
    }

    [Fact]
    public void ShortTortuousInviteIsReadFieldByField()
    {
        var message = (SipRequest)SipParser.Parse(SipTestData.Load("valid", "wsinv.sip"));

        Assert.Equal("INVITE", message.Method);
        Assert.Equal("sip:vivekg@chair-dnrc.example.com;unknownparam", message.Uri);
        Assert.Equal("1918181833n", message.To.Tag);
        Assert.Equal("98asjd8", message.From.Tag);
        Assert.Equal("J Rosenberg \\\"", message.From.DisplayName);
        Assert.Equal(new SipCSeq(9, "INVITE"), message.CSeq);
        Assert.Equal("0068", message.Get("Max-Forwards"));
        Assert.Equal("wsinv.ndaksdj@192.0.2.1", message.CallId);
        Assert.Equal(string.Empty, message.Get("Subject"));
        Assert.Equal("newfangled value continued newfangled value", message.Get("NewFangledHeader"));

        var vias = message.GetAll(SipHeaderNames.Via);
        Assert.Equal(3, vias.Count);
        Assert.True(SipVia.TryParse(vias[0], out var first));
        Assert.Equal("UDP", first.Transport);
        Assert.Equal("192.0.2.2", first.Host);
        Assert.Equal("390skdjuw", first.Branch);
        Assert.True(SipVia.TryParse(vias[1], out var second));
        Assert.Equal("TCP", second.Transport);
        Assert.Equal("spindle.example.com", second.Host);
        Assert.Equal("z9hG4bK9ikj8", second.Branch);
        Assert.True(SipVia.TryParse(vias[2], out var third));
        Assert.Equal("z9hG4bK30239", third.Branch);

        var contact = SipNameAddr.Parse(message.Get(SipHeaderNames.Contact)!);
        Assert.Equal("Quoted string \"\"", contact.DisplayName);
        Assert.Equal("sip:jdrosen@example.com", contact.Uri);
        Assert.Equal("newvalue", contact.Parameters["newparam"]);
        Assert.Equal("0.33", contact.Parameters["q"]);
        Assert.Equal(150, message.Body.Length);
    }

    [Fact]
    public void CompactHeaderFormsExpandToTheirFullNames()
    {
        var message = SipParser.Parse(SipTestData.Load("valid", "esc01.sip"));

        Assert.Equal("esc01.239409asdfakjkn23onasd0-3234", message.Get("Call-ID"));
        Assert.Equal("application/sdp", message.ContentType);
        Assert.Contains(message.Headers, h => h.Name == "Call-ID");
        Assert.DoesNotContain(message.Headers, h => h.Name == "i");
    }

    [Fact]
    public void OnlyTheFirstOfTwoMessagesInOneDatagramIsTaken()
    {
        var message = (SipRequest)SipParser.Parse(SipTestData.Load("valid", "dblreq.sip"));

        Assert.Equal("REGISTER", message.Method);
        Assert.Empty(message.Body);
    }

    [Fact]
    public void UnusualCharactersInMethodsAndHeadersAreKept()
    {
        var message = (SipRequest)SipParser.Parse(SipTestData.Load("valid", "intmeth.sip"));

        Assert.Equal("!interesting-Method0123456789_*+`.%indeed'~", message.Method);
        Assert.Equal("大停電", message.Get("extensionHeader-!.%*+_`'~"));
        Assert.Equal("работающий", message.From.Parameters["fromParam''~+*_!.-%"]);
    }

    [Fact]
    public void ResponseReasonsMayBeAnyUtf8OrEmpty()
    {
        var unusual = (SipResponse)SipParser.Parse(SipTestData.Load("valid", "unreason.sip"));
        var none = (SipResponse)SipParser.Parse(SipTestData.Load("valid", "noreason.sip"));

        Assert.Equal(200, unusual.StatusCode);
        Assert.EndsWith("простое", unusual.Reason);
        Assert.Equal(100, none.StatusCode);
        Assert.Equal(string.Empty, none.Reason);
    }
}
