using Dialer.Db;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dialer.Api.Webhooks;

/// <summary>Polls the webhook outbox and sends what is due, while Webhooks:Enabled is true.</summary>
public sealed class WebhookDeliveryService(WebhookSender sender, WebhookOptions options, TimeProvider time, ILogger<WebhookDeliveryService> log)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Enabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                sent = await sender.SendDueAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                // A busy or briefly unavailable database: try again at the next poll.
                log.LogWarning(e, "Webhook outbox poll failed");
            }

            if (sent == 0)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(options.PollSeconds), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }
}

public static class WebhookServiceCollectionExtensions
{
    /// <summary>Registers the sender and, in a host, the delivery loop (section "Webhooks").</summary>
    public static IServiceCollection AddWebhookDelivery(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDialerOptions<WebhookOptions>(configuration, WebhookOptions.Section);
        services.AddSingleton<WebhookSender>();
        services.AddHostedService<WebhookDeliveryService>();
        return services;
    }
}
