using Dialer.Api;
using Dialer.Api.Security.Check;

if (args is ["security-check", .. var options])
{
    return await SecurityCheckCommand.RunAsync(options);
}

var builder = WebApplication.CreateBuilder(args);
builder.AddDialerApi();

var app = builder.Build();
await app.UseDialerApiAsync();
await app.RunAsync();
return 0;

public partial class Program;
