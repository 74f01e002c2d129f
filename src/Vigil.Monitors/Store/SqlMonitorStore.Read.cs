using System.Data.Common;
using System.Globalization;
using System.Text;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Store;

/// <summary>Reads: one monitor, all, and filtered pages.</summary>
internal abstract partial class SqlMonitorStore
{
    public async Task<MonitorDefinition?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = Command(connection, null, $"SELECT {Columns} FROM monitors WHERE id = @id");
        Add(select, "id", id);
        var found = await ReadAllAsync(select, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    public async Task<IReadOnlyList<MonitorDefinition>> AllAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var select = Command(connection, null, $"SELECT {Columns} FROM monitors ORDER BY name");
        return await ReadAllAsync(select, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MonitorPage> ListAsync(MonitorQuery query, CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var count = Command(connection, null, "");
        await using var page = Command(connection, null, "");
        var where = Filter(query, count, page);
        count.CommandText = "SELECT COUNT(*) FROM monitors m" + where;
        page.CommandText = $"SELECT {Columns} FROM monitors m{where} ORDER BY m.name LIMIT @limit OFFSET @offset";
        Add(page, "limit", (long)query.Limit);
        Add(page, "offset", (long)query.Offset);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return new MonitorPage(await ReadAllAsync(page, cancellationToken).ConfigureAwait(false), total);
    }

    /// <summary>The WHERE clause of <paramref name="query"/>, with its parameters added to both commands.</summary>
    private static string Filter(MonitorQuery query, DbCommand first, DbCommand second)
    {
        var where = new StringBuilder();
        void Condition(string sql, params (string Name, object Value)[] parameters)
        {
            where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(sql);
            foreach (var (name, value) in parameters)
            {
                Add(first, name, value);
                Add(second, name, value);
            }
        }

        if (query.App is { } app)
        {
            Condition("m.app = @app", ("app", app));
        }

        if (query.Status is { } status)
        {
            Condition("m.status = @status", ("status", MonitorStatusNames.Name(status)));
        }

        for (var i = 0; i < query.Labels.Count; i++)
        {
            var n = "ln" + i.ToString(CultureInfo.InvariantCulture);
            var v = "lv" + i.ToString(CultureInfo.InvariantCulture);
            Condition($"EXISTS (SELECT 1 FROM monitor_labels l WHERE l.monitor_id = m.id AND l.name = @{n} AND l.value = @{v})", (n, query.Labels[i].Key), (v, query.Labels[i].Value));
        }

        return where.ToString();
    }

    private static async Task<List<MonitorDefinition>> ReadAllAsync(DbCommand select, CancellationToken cancellationToken)
    {
        var result = new List<MonitorDefinition>();
        await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    private static MonitorDefinition Read(DbDataReader row)
    {
        var statusText = row.GetString(8);
        return new MonitorDefinition
        {
            Id = row.GetString(0),
            Name = row.GetString(1),
            App = row.GetString(2),
            Instance = row.GetString(3),
            Interval = TimeSpan.FromMilliseconds(row.GetInt64(4)),
            Params = MonitorCodec.ReadParams(row.GetString(5)),
            Labels = MonitorCodec.ReadLabels(row.GetString(6)),
            Description = row.GetString(7),
            Status = MonitorStatusNames.TryParse(statusText, out var status) ? status : MonitorStatus.Unknown,
            LastError = row.IsDBNull(9) ? null : row.GetString(9),
            Created = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(10)),
            Updated = DateTimeOffset.FromUnixTimeMilliseconds(row.GetInt64(11)),
        };
    }
}
