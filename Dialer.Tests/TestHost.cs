using System.Runtime.CompilerServices;
using Dialer.Worker.Hosting;

namespace Dialer.Tests;

/// <summary>Settings of the test process itself, applied when the test assembly loads.</summary>
internal static class TestHost
{
    /// <summary>
    /// The tests run SIP stacks, Kestrel hosts, browsers and child processes side by side on two cores, with the same
    /// thread-pool floor as a Worker (see <see cref="ThreadPoolFloor"/>). With the default, a stack's receive loop
    /// waited half a second for a thread, and sipp saw our INVITE retransmitted across its answer.
    /// </summary>
    [ModuleInitializer]
    internal static void RaiseThreadPoolMinimum() => ThreadPoolFloor.Raise();
}
