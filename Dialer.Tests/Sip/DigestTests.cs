using Dialer.Worker.Sip.Auth;

namespace Dialer.Tests.Sip;

public class DigestTests
{
    [Fact]
    public void Rfc2617ExampleResponseIsReproduced()
    {
        var ha1 = Digest.Ha1("MD5", "Mufasa", "testrealm@host.com", "Circle Of Life");

        var response = Digest.Response("MD5", ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "auth", "00000001", "0a4f113b", "GET", "/dir/index.html");

        Assert.Equal("6629fae49393a05397450978507c4ef1", response);
    }

    [Theory]
    [InlineData("MD5", "8ca523f5e9506fed4657c9700eebdbec")]
    [InlineData("SHA-256", "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616ExampleResponsesAreReproduced(string algorithm, string expected)
    {
        var ha1 = Digest.Ha1(algorithm, "Mufasa", "http-auth@example.org", "Circle of Life");

        var response = Digest.Response(algorithm, ha1, "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", "auth", "00000001",
            "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", "GET", "/dir/index.html");

        Assert.Equal(expected, response);
    }

    [Theory]
    [InlineData("MD5")]
    [InlineData("SHA-256")]
    public void AnAnsweredChallengeVerifiesAgainstTheStoredHa1(string algorithm)
    {
        var challenge = DigestChallenge.Parse($"Digest realm=\"dialer\", nonce=\"abc123\", algorithm={algorithm}, qop=\"auth,auth-int\", opaque=\"xyz\"")!;

        var answer = Digest.Answer(challenge, "agent7", "s3cret", "REGISTER", "sip:dialer");
        var parsed = DigestCredentials.Parse(answer.ToString())!;

        Assert.Equal("auth", parsed.Qop);
        Assert.Equal("xyz", parsed.Opaque);
        Assert.True(Digest.Verify(parsed, Digest.Ha1(algorithm, "agent7", "dialer", "s3cret"), "REGISTER"));
        Assert.False(Digest.Verify(parsed, Digest.Ha1(algorithm, "agent7", "dialer", "wrong"), "REGISTER"));
    }

    [Fact]
    public void ChallengesWithUnknownAlgorithmsAreIgnored()
    {
        Assert.Null(DigestChallenge.Parse("Digest realm=\"x\", nonce=\"y\", algorithm=SHA-512-256"));
        Assert.Null(DigestChallenge.Parse("Basic realm=\"x\""));
        Assert.Equal("MD5", DigestChallenge.Parse("Digest realm=\"x\", nonce=\"y\"")!.Algorithm);
    }
}
