namespace Dialer.Worker.Cli;

internal static class TestCallCommand
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("not implemented yet");
        return Task.FromResult(2);
    }
}
