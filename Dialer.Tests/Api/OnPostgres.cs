using Dialer.Tests.Db;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Dialer.Tests.Api;

/// <summary>An <see cref="ApiFactory"/> whose Api runs on a fresh PostgreSQL database instead of a SQLite file.</summary>
public interface IOnPostgres;

/// <summary>The Api over PostgreSQL: the fixture of the …OnPostgres variants of the Api test classes.</summary>
public sealed class PostgresApiFactory : ApiFactory, IOnPostgres;

/// <summary>
/// A test of the Api. It runs in every class that inherits it: a class whose fixture is on PostgreSQL
/// (<see cref="IOnPostgres"/>) runs the same test against the Api on PostgreSQL, and skips it, with the reason, when
/// DIALER_TEST_POSTGRES is not set.
/// </summary>
[XunitTestCaseDiscoverer("Dialer.Tests.Api.ApiFactDiscoverer", "Dialer.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiFactAttribute : FactAttribute;

/// <summary>The theory form of <see cref="ApiFactAttribute"/>.</summary>
[XunitTestCaseDiscoverer("Dialer.Tests.Api.ApiTheoryDiscoverer", "Dialer.Tests")]
[AttributeUsage(AttributeTargets.Method)]
public sealed class ApiTheoryAttribute : TheoryAttribute;

public sealed class ApiFactDiscoverer(IMessageSink diagnosticMessageSink) : FactDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo factAttribute) =>
        PostgresVariant.Missing(testMethod)
            ? [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, PostgresServer.SkipReason)]
            : base.Discover(discoveryOptions, testMethod, factAttribute);
}

public sealed class ApiTheoryDiscoverer(IMessageSink diagnosticMessageSink) : TheoryDiscoverer(diagnosticMessageSink)
{
    public override IEnumerable<IXunitTestCase> Discover(ITestFrameworkDiscoveryOptions discoveryOptions, ITestMethod testMethod, IAttributeInfo theoryAttribute) =>
        PostgresVariant.Missing(testMethod)
            ? [new XunitSkippedDataRowTestCase(DiagnosticMessageSink, discoveryOptions.MethodDisplayOrDefault(), discoveryOptions.MethodDisplayOptionsOrDefault(), testMethod, PostgresServer.SkipReason)]
            : base.Discover(discoveryOptions, testMethod, theoryAttribute);
}

internal static class PostgresVariant
{
    /// <summary>True when the test's class has a fixture on PostgreSQL and there is no server to run it on.</summary>
    public static bool Missing(ITestMethod testMethod) =>
        !PostgresServer.Available
        && testMethod.TestClass.Class is IReflectionTypeInfo { Type: var type }
        && type.GetInterfaces().Any(i =>
            i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IClassFixture<>)
            && typeof(IOnPostgres).IsAssignableFrom(i.GetGenericArguments()[0]));
}
