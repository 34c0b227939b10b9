namespace Dialer.Db;

internal static class Placeholder;
