using Dialer.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddDialerApi();

var app = builder.Build();
await app.UseDialerApiAsync();
await app.RunAsync();

public partial class Program;
