using Dialer.Worker.Media;

namespace Dialer.Tests.Media;

public class G711Tests
{
    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-1, 0x7F)]
    [InlineData(32767, 0x80)]
    [InlineData(-32768, 0x00)]
    [InlineData(1000, 0xCE)]
    [InlineData(-1000, 0x4E)]
    public void MuLawEncodesKnownValues(short sample, int code) =>
        Assert.Equal((byte)code, G711.LinearToMuLaw(sample));

    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x7F, 0)]
    [InlineData(0x80, 32124)]
    [InlineData(0x00, -32124)]
    [InlineData(0xCE, 988)]
    public void MuLawDecodesKnownValues(int code, short sample) =>
        Assert.Equal(sample, G711.MuLawToLinear((byte)code));

    [Theory]
    [InlineData(0, 0xD5)]
    [InlineData(-1, 0x55)]
    [InlineData(32767, 0xAA)]
    [InlineData(-32768, 0x2A)]
    [InlineData(1000, 0xFA)]
    public void ALawEncodesKnownValues(short sample, int code) =>
        Assert.Equal((byte)code, G711.LinearToALaw(sample));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    [InlineData(0xFA, 1008)]
    public void ALawDecodesKnownValues(int code, short sample) =>
        Assert.Equal(sample, G711.ALawToLinear((byte)code));

    [Fact]
    public void EveryCodeSurvivesDecodeThenEncode()
    {
        for (var code = 0; code < 256; code++)
        {
            Assert.Equal((byte)code, G711.LinearToALaw(G711.ALawToLinear((byte)code)));
            if (code != 0x7F)
            {
                // µ-law has two codes for zero; 0x7F (-0) comes back as 0xFF (+0).
                Assert.Equal((byte)code, G711.LinearToMuLaw(G711.MuLawToLinear((byte)code)));
            }
        }
    }

    [Fact]
    public void RoundTripErrorStaysWithinTheQuantisationStep()
    {
        for (int s = short.MinValue; s <= short.MaxValue; s += 7)
        {
            var sample = (short)s;
            var mu = G711.MuLawToLinear(G711.LinearToMuLaw(sample));
            var a = G711.ALawToLinear(G711.LinearToALaw(sample));
            var limit = Math.Max(16, Math.Abs((int)sample) / 16);
            Assert.InRange(Math.Abs(mu - sample), 0, limit);
            Assert.InRange(Math.Abs(a - sample), 0, limit);
        }
    }

    [Fact]
    public void SpanCodecsMatchSingleSamples()
    {
        short[] samples = [0, 100, -100, 5000, -5000, short.MaxValue, short.MinValue];
        var mu = new byte[samples.Length];
        var a = new byte[samples.Length];
        G711.Encode(G711Law.MuLaw, samples, mu);
        G711.Encode(G711Law.ALaw, samples, a);
        var back = new short[samples.Length];
        G711.Decode(G711Law.ALaw, a, back);

        Assert.Equal(samples.Select(G711.LinearToMuLaw), mu);
        Assert.Equal(samples.Select(G711.LinearToALaw), a);
        Assert.Equal(a.Select(G711.ALawToLinear), back);
    }

    [Fact]
    public void TranscodesMuLawToALawThroughLinear()
    {
        var mu = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var a = new byte[256];

        G711.Transcode(G711Law.MuLaw, G711Law.ALaw, mu, a);

        Assert.Equal(mu.Select(m => G711.LinearToALaw(G711.MuLawToLinear(m))), a);
    }
}
