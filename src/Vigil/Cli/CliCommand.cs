namespace Vigil.Cli;

internal abstract record CliCommand
{
    private CliCommand()
    {
    }

    /// <summary><c>vigil run [--config FILE] [--listen HOST:PORT] [--data DIR]</c>; also what no arguments mean.</summary>
    internal sealed record Run(string? ConfigFile, string? Listen, string DataDirectory) : CliCommand;

    /// <summary><c>vigil wal inspect [--series] DIR</c>; <paramref name="Series"/> adds one entry per series to the JSON.</summary>
    internal sealed record WalInspect(string Directory, bool Series = false) : CliCommand;

    internal sealed record Version : CliCommand;

    internal sealed record Help : CliCommand;
}

/// <summary>A bad command line: one line for the user, exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException()
    {
    }

    public UsageException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
