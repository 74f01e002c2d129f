namespace Vigil.Monitors.Model;

/// <summary>A monitor's input does not fit its template or the rules of monitors; the API answers 400 with <see cref="Field"/>.</summary>
internal sealed class MonitorValidationException : Exception
{
    public MonitorValidationException(string field, string reason)
        : base($"{field}: {reason}")
    {
        Field = field;
        Reason = reason;
    }

    public MonitorValidationException()
        : this("", "invalid monitor")
    {
    }

    public MonitorValidationException(string message)
        : this("", message)
    {
    }

    public MonitorValidationException(string message, Exception innerException)
        : base(message, innerException)
    {
        Field = "";
        Reason = message;
    }

    /// <summary>The JSON path of the offending value: <c>name</c>, <c>interval</c>, <c>params.url</c>.</summary>
    public string Field { get; }

    public string Reason { get; }
}

/// <summary>A monitor with the same id or name exists (the store's unique keys); the API answers 409.</summary>
internal sealed class MonitorConflictException : Exception
{
    public MonitorConflictException(string message)
        : base(message)
    {
    }

    public MonitorConflictException()
        : this("a monitor with that id or name exists")
    {
    }

    public MonitorConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
