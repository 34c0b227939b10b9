using System.Net.Http.Headers;
using System.Text;
using Dialer.Db.Reminders;
using Microsoft.Extensions.Logging;

namespace Dialer.Api.Webhooks;

/// <summary>
/// Sends due webhook deliveries: POST of the stored JSON body with X-Dialer-Signature, a 2xx answer
/// within the timeout counts as delivered; anything else is retried with exponential backoff until
/// MaxAttempts, then the delivery is failed. Redirects are not followed, no proxy is used, and every
/// connection goes through <see cref="WebhookTargets.ConnectAsync"/>: a URL that is not allowed any more
/// (http without Webhooks:AllowHttp) fails at once, a host that resolves to a non-public address fails the try.
/// Either process can host it.
/// </summary>
public sealed class WebhookSender(WebhookStore store, WebhookOptions options, TimeProvider time, ILogger<WebhookSender> log) : IDisposable
{
    private readonly HttpClient http = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = (context, ct) => WebhookTargets.ConnectAsync(context, options, ct),
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>Claims and sends what is due now; answers how many deliveries were tried.</summary>
    public async Task<int> SendDueAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var lease = now + TimeSpan.FromSeconds((options.TimeoutSeconds * 2) + 30);
        var due = await store.ClaimDueAsync(now.ToUnixTimeMilliseconds(), lease.ToUnixTimeMilliseconds(), options.BatchSize, ct);
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = ct },
            async (d, token) => await SendOneAsync(d, token));
        return due.Count;
    }

    public void Dispose() => http.Dispose();

    private async Task SendOneAsync(ClaimedDelivery d, CancellationToken ct)
    {
        if (d.Url is null || d.Secret is null || d.DisabledAt is not null)
        {
            // The webhook was disabled after the outcome was queued: nobody to tell.
            await store.MarkFailedTryAsync(d.Id, null, "webhook disabled", Now(), 1, ct);
            return;
        }

        if (WebhookTargets.RefuseScheme(d.Url, options) is { } refused)
        {
            log.LogWarning("Webhook delivery {Delivery} refused: {Reason}", d.Id, refused);
            await store.MarkFailedTryAsync(d.Id, null, "refused: " + refused, Now(), 1, ct);
            return;
        }

        int? status = null;
        string error;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, d.Url)
            {
                Content = new StringContent(d.PayloadJson, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
            };
            request.Headers.TryAddWithoutValidation(WebhookSignature.Header,
                WebhookSignature.Sign(d.Secret, time.GetUtcNow().ToUnixTimeSeconds(), d.PayloadJson));
            request.Headers.TryAddWithoutValidation("X-Dialer-Delivery", d.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
            request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Dialer-Webhooks", "1"));
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timeout.CancelAfter(TimeSpan.FromSeconds(options.TimeoutSeconds));
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                await store.MarkDeliveredAsync(d.Id, status.Value, Now(), ct);
                return;
            }

            error = $"HTTP {status}";
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            error = $"no answer within {options.TimeoutSeconds} s";
        }
        catch (HttpRequestException e)
        {
            error = e.Message;
        }

        var tries = d.Attempts + 1;
        var next = time.GetUtcNow() + options.Backoff(tries);
        // The URL may carry credentials in its query: log only the host.
        log.LogWarning("Webhook delivery {Delivery} to {Host} failed (try {Try} of {Max}): {Error}",
            d.Id, new Uri(d.Url).Host, tries, options.MaxAttempts, error);
        await store.MarkFailedTryAsync(d.Id, status, error, next.ToUnixTimeMilliseconds(), options.MaxAttempts, ct);
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
