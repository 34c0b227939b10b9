namespace Dialer.Worker;

public static class WorkerProgram
{
    public static Task<int> Main(string[] args) => Task.FromResult(0);
}
