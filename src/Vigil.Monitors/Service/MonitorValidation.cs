using Vigil.Common.Config;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Service;

/// <summary>
/// Turns a <see cref="MonitorDraft"/> into a <see cref="MonitorDefinition"/>, or fails on the first bad field with
/// its JSON name (issue 7: "Validation errors return 400 with the field name").
/// </summary>
internal static class MonitorValidation
{
    /// <summary>Interval when a draft gives none.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(60);

    /// <summary>Shortest interval: below this a scheduler tick and a collection's own time dominate.</summary>
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(1);

    /// <summary>Labels every series of a monitor gets from Vigil; a user label may not replace them.</summary>
    public static readonly IReadOnlySet<string> ReservedLabels = new HashSet<string>(StringComparer.Ordinal) { "monitor", "app" };

    private const int MaxNameLength = 200;

    /// <param name="previous">The stored monitor being replaced (keeps its id, created time, status and secrets).</param>
    /// <param name="instanceExists">Whether an instance of that name is configured.</param>
    public static MonitorDefinition Validate(
        MonitorDraft draft, TemplateCatalog catalog, Func<string, bool> instanceExists, MonitorDefinition? previous, string newId, DateTimeOffset now)
    {
        var name = draft.Name?.Trim();
        if (string.IsNullOrEmpty(name))
        {
            throw new MonitorValidationException("name", "is required");
        }

        if (name.Length > MaxNameLength)
        {
            throw new MonitorValidationException("name", $"is longer than {MaxNameLength} characters");
        }

        if (string.IsNullOrEmpty(draft.App))
        {
            throw new MonitorValidationException("app", "is required");
        }

        var template = catalog.Find(draft.App) ?? throw new MonitorValidationException("app", $"unknown monitor type '{draft.App}'");
        var instance = string.IsNullOrEmpty(draft.Instance) ? "default" : draft.Instance;
        if (!instanceExists(instance))
        {
            throw new MonitorValidationException("instance", $"no instance named '{instance}' is configured");
        }

        var sameApp = previous is not null && previous.App == template.App;
        return new MonitorDefinition
        {
            Id = previous?.Id ?? newId,
            Name = name,
            App = template.App,
            Params = ParamValidator.Validate(template, draft.Params, sameApp ? previous!.Params : null),
            Interval = Interval(draft.Interval),
            Labels = Labels(draft.Labels),
            Description = draft.Description ?? "",
            Instance = instance,
            Status = Status(draft.Paused, previous?.Status ?? MonitorStatus.Unknown),
            LastError = previous?.LastError,
            Created = previous?.Created ?? now,
            Updated = now,
        };
    }

    private static MonitorStatus Status(bool? paused, MonitorStatus current) => paused switch
    {
        true => MonitorStatus.Paused,
        false when current == MonitorStatus.Paused => MonitorStatus.Unknown,
        _ => current,
    };

    private static TimeSpan Interval(string? text)
    {
        if (text is null)
        {
            return DefaultInterval;
        }

        if (!PromDuration.TryParse(text, out var interval))
        {
            throw new MonitorValidationException("interval", $"expected a duration like 30s, got '{text}'");
        }

        return interval >= MinInterval ? interval : throw new MonitorValidationException("interval", $"must be at least {PromDuration.Format(MinInterval)}");
    }

    private static SortedDictionary<string, string> Labels(IReadOnlyDictionary<string, string>? labels)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in labels ?? new Dictionary<string, string>())
        {
            var field = "labels." + name;
            if (!ConfigRules.IsValidLabelName(name) || name.StartsWith("__", StringComparison.Ordinal))
            {
                throw new MonitorValidationException(field, $"'{name}' is not a valid label name");
            }

            if (ReservedLabels.Contains(name))
            {
                throw new MonitorValidationException(field, $"'{name}' is set by Vigil");
            }

            result[name] = value.Length > 0 ? value : throw new MonitorValidationException(field, "is empty");
        }

        return result;
    }
}
