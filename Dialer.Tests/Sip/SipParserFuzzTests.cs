using Dialer.Tests.Sip.Support;
using Dialer.Worker.Sip.Messages;

namespace Dialer.Tests.Sip;

/// <summary>Seeded random mutations of valid messages: the parser may reject them but never throws anything else.</summary>
public class SipParserFuzzTests
{
    private static readonly byte[][] Specials =
        [":"u8.ToArray(), ";"u8.ToArray(), ","u8.ToArray(), "\""u8.ToArray(), "<"u8.ToArray(), ">"u8.ToArray(), "\r\n"u8.ToArray(),
         "\r\n "u8.ToArray(), " "u8.ToArray(), "\\"u8.ToArray(), "="u8.ToArray(), "@"u8.ToArray(), "["u8.ToArray(), "/"u8.ToArray(),
         "\r\n\r\n"u8.ToArray(), "99999999999"u8.ToArray(), "-1"u8.ToArray(), "%"u8.ToArray(), "\0"u8.ToArray(), "大"u8.ToArray()];

    [Fact]
    public void TenThousandMutationsNeverThrowAnythingButParseErrors()
    {
        var seeds = SipTestData.Files("valid").Select(f => SipTestData.Load("valid", (string)f[0]))
            .Append(SipTestData.FromText(SipParserTests.Invite))
            .Append(SipTestData.FromText(SipParserTests.Ringing))
            .ToArray();
        var random = new Random(4475);
        var accepted = 0;

        for (var i = 0; i < 12_000; i++)
        {
            var input = Mutate(seeds[random.Next(seeds.Length)], random);

            if (SipParser.TryParse(input, out var message, out _))
            {
                accepted++;
                Exercise(message!);
            }
            else
            {
                _ = SipParser.BadRequestFor(input, "fuzz");
            }

            try
            {
                _ = SipParser.FrameLength(input, out _);
            }
            catch (SipParseException)
            {
            }
        }

        // Some mutations keep the message valid; most do not. Both paths ran.
        Assert.InRange(accepted, 100, 11_900);
    }

    private static void Exercise(SipMessage message)
    {
        _ = message.From.Tag;
        _ = message.To.Tag;
        _ = message.CSeq;
        _ = message.TopVia!.Branch;
        foreach (var contact in message.GetAll(SipHeaderNames.Contact))
        {
            _ = SipNameAddr.TryParse(contact, out _);
        }

        if (message is SipRequest request)
        {
            _ = SipUri.TryParse(request.Uri, out _);
        }

        // Whatever we accepted we can also write and read back.
        var again = SipParser.Parse(message.ToBytes());
        Assert.Equal(message.CallId, again.CallId);
    }

    private static byte[] Mutate(byte[] seed, Random random)
    {
        var data = new List<byte>(seed);
        var steps = random.Next(1, 4);
        for (var s = 0; s < steps && data.Count > 0; s++)
        {
            var at = random.Next(data.Count);
            switch (random.Next(6))
            {
                case 0:
                    data[at] = (byte)random.Next(256);
                    break;
                case 1:
                    data.RemoveRange(at, Math.Min(random.Next(1, 20), data.Count - at));
                    break;
                case 2:
                    data.InsertRange(at, Specials[random.Next(Specials.Length)]);
                    break;
                case 3:
                    var len = Math.Min(random.Next(1, 40), data.Count - at);
                    data.InsertRange(at, data.GetRange(at, len));
                    break;
                case 4:
                    data.RemoveRange(at, data.Count - at);
                    break;
                default:
                    var digitAt = data.FindIndex(at, b => b is >= (byte)'0' and <= (byte)'9');
                    if (digitAt >= 0)
                    {
                        data[digitAt] = (byte)random.Next('0', '9' + 1);
                    }

                    break;
            }
        }

        return [.. data];
    }
}
