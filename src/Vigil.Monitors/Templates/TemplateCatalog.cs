using Vigil.Common.Config;

namespace Vigil.Monitors.Templates;

/// <summary>
/// Every monitor type: the templates shipped next to Vigil, then a user folder whose templates add types or replace
/// shipped ones of the same <c>app</c>. A file that does not parse is reported (file, line, reason) and skipped;
/// the others still load. <see cref="Reload"/> swaps the whole set at once, so a reader never sees half of one.
/// </summary>
internal sealed class TemplateCatalog
{
    private readonly string? _shippedDirectory;
    private readonly string? _userDirectory;
    private volatile Snapshot _current = new(new Dictionary<string, MonitorTemplate>(StringComparer.Ordinal), []);

    public TemplateCatalog(string? shippedDirectory, string? userDirectory)
    {
        _shippedDirectory = shippedDirectory;
        _userDirectory = userDirectory;
    }

    /// <summary>The templates shipped with the assembly: <c>templates/</c> beside it.</summary>
    public static string ShippedDirectory => Path.Combine(AppContext.BaseDirectory, "templates");

    /// <summary>Templates by app, sorted.</summary>
    public IReadOnlyList<MonitorTemplate> All => [.. _current.Templates.Values.OrderBy(t => t.App, StringComparer.Ordinal)];

    /// <summary>One line per rejected file of the last load: <c>file:line: key: reason</c>.</summary>
    public IReadOnlyList<string> Errors => _current.Errors;

    /// <summary>Builds a catalog and loads it once.</summary>
    public static TemplateCatalog Load(string? shippedDirectory, string? userDirectory)
    {
        var catalog = new TemplateCatalog(shippedDirectory, userDirectory);
        catalog.Reload();
        return catalog;
    }

    public MonitorTemplate? Find(string app) => _current.Templates.TryGetValue(app, out var template) ? template : null;

    /// <summary>Reads both folders again; returns the rejected files' errors (also in <see cref="Errors"/>).</summary>
    public IReadOnlyList<string> Reload()
    {
        var templates = new Dictionary<string, MonitorTemplate>(StringComparer.Ordinal);
        var errors = new List<string>();
        LoadFolder(_shippedDirectory, templates, errors);
        LoadFolder(_userDirectory, templates, errors);
        _current = new Snapshot(templates, errors);
        return errors;
    }

    private static void LoadFolder(string? directory, Dictionary<string, MonitorTemplate> into, List<string> errors)
    {
        if (directory is null || !Directory.Exists(directory))
        {
            return;
        }

        var files = Directory.EnumerateFiles(directory, "*.yml").Concat(Directory.EnumerateFiles(directory, "*.yaml"));
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files.Order(StringComparer.Ordinal))
        {
            try
            {
                var template = TemplateParser.Parse(File.ReadAllText(file), file);
                if (seen.TryGetValue(template.App, out var first))
                {
                    errors.Add($"{file}:1: app: '{template.App}' is already defined by {first}");
                    continue;
                }

                seen[template.App] = file;
                into[template.App] = template;
            }
            catch (ConfigException ex)
            {
                errors.Add(ex.Message);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                errors.Add($"{file}:0: (root): cannot read: {ex.Message}");
            }
        }
    }

    private sealed record Snapshot(Dictionary<string, MonitorTemplate> Templates, IReadOnlyList<string> Errors);
}
