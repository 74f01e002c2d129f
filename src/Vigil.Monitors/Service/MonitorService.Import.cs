using Vigil.Common.Config;
using Vigil.Monitors.Model;
using Vigil.Monitors.Store;

namespace Vigil.Monitors.Service;

/// <summary>Export and import (issue 7: "export and import as YAML").</summary>
internal sealed partial class MonitorService
{
    /// <summary>The monitors matching <paramref name="query"/> (every one when its limit allows), as YAML.</summary>
    public async Task<string> ExportAsync(MonitorQuery query, CancellationToken cancellationToken = default)
    {
        var page = await _store.ListAsync(query with { Offset = 0, Limit = int.MaxValue }, cancellationToken).ConfigureAwait(false);
        return MonitorYaml.Export(page.Items, _catalog);
    }

    /// <summary>
    /// Creates or replaces each monitor of an export. An entry matches a stored monitor by id, else by name; it
    /// replaces it, or is created (with its id when given). Every entry is validated before any is written, so a
    /// bad entry changes nothing.
    /// </summary>
    /// <exception cref="MonitorValidationException">Field <c>monitors[i].field</c> (with its line) does not fit.</exception>
    /// <exception cref="ConfigException">The YAML is not an export.</exception>
    public Task<ImportResult> ImportAsync(string yaml, CancellationToken cancellationToken = default)
    {
        var entries = MonitorYaml.Import(yaml, "import");
        return SerializedAsync(
            async () =>
            {
                var byName = (await _store.AllAsync(cancellationToken).ConfigureAwait(false)).ToDictionary(m => m.Name, StringComparer.Ordinal);
                var planned = new List<(MonitorDefinition Monitor, bool Exists)>();
                for (var i = 0; i < entries.Count; i++)
                {
                    planned.Add(await PlanImportAsync(entries[i].Draft, entries[i].Line, i, byName, cancellationToken).ConfigureAwait(false));
                }

                return await ApplyImportAsync(planned, cancellationToken).ConfigureAwait(false);
            },
            cancellationToken);
    }

    /// <summary>One entry validated against the monitor it replaces (by id, else by name), if any.</summary>
    private async Task<(MonitorDefinition Monitor, bool Exists)> PlanImportAsync(
        MonitorDraft draft, int line, int index, Dictionary<string, MonitorDefinition> byName, CancellationToken cancellationToken)
    {
        var previous = draft.Id is { } id ? await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) : null;
        previous ??= draft.Id is null && draft.Name is { } name ? byName.GetValueOrDefault(name.Trim()) : null;
        try
        {
            var monitor = MonitorValidation.Validate(draft, _catalog, _instanceExists, previous, draft.Id ?? NewId(), _time.GetUtcNow());
            return (monitor, previous is not null);
        }
        catch (MonitorValidationException ex)
        {
            throw new MonitorValidationException(FormattableString.Invariant($"monitors[{index}].{ex.Field}"), FormattableString.Invariant($"{ex.Reason} (line {line})"));
        }
    }

    private async Task<ImportResult> ApplyImportAsync(List<(MonitorDefinition Monitor, bool Exists)> planned, CancellationToken cancellationToken)
    {
        int created = 0, updated = 0;
        foreach (var (monitor, exists) in planned)
        {
            if (exists)
            {
                await _store.UpdateAsync(monitor, cancellationToken).ConfigureAwait(false);
                updated++;
            }
            else
            {
                await _store.InsertAsync(monitor, cancellationToken).ConfigureAwait(false);
                created++;
            }

            await ApplyAsync(monitor).ConfigureAwait(false);
        }

        return new ImportResult(created, updated, [.. planned.Select(p => p.Monitor.Id)]);
    }
}

/// <summary>How an import went: monitors created, replaced, and the ids of all of them in file order.</summary>
internal sealed record ImportResult(int Created, int Updated, IReadOnlyList<string> Ids);
