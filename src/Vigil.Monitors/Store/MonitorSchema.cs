namespace Vigil.Monitors.Store;

/// <summary>
/// The schema, as numbered migrations applied in order inside one transaction each and recorded in
/// <c>schema_migrations</c>. Only types and syntax that SQLite and PostgreSQL read alike are used (TEXT, BIGINT,
/// VARCHAR, plain indexes), so both stores run the same statements. A migration, once released, never changes:
/// add a new one.
/// </summary>
internal static class MonitorSchema
{
    public const string MigrationsTable = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version BIGINT PRIMARY KEY,
            description VARCHAR(200) NOT NULL,
            applied_ms BIGINT NOT NULL
        )
        """;

    public static IReadOnlyList<Migration> Migrations { get; } =
    [
        new(1, "monitors and their labels",
        [
            """
            CREATE TABLE monitors (
                id VARCHAR(64) PRIMARY KEY,
                name VARCHAR(255) NOT NULL UNIQUE,
                app VARCHAR(128) NOT NULL,
                instance VARCHAR(255) NOT NULL,
                interval_ms BIGINT NOT NULL,
                params TEXT NOT NULL,
                labels TEXT NOT NULL,
                description TEXT NOT NULL,
                status VARCHAR(16) NOT NULL,
                last_error TEXT NULL,
                created_ms BIGINT NOT NULL,
                updated_ms BIGINT NOT NULL
            )
            """,
            "CREATE INDEX monitors_app ON monitors (app)",
            "CREATE INDEX monitors_status ON monitors (status)",
            // Labels again as rows, only so a label filter is a plain indexed join in both databases.
            """
            CREATE TABLE monitor_labels (
                monitor_id VARCHAR(64) NOT NULL,
                name VARCHAR(255) NOT NULL,
                value TEXT NOT NULL,
                PRIMARY KEY (monitor_id, name)
            )
            """,
            "CREATE INDEX monitor_labels_pair ON monitor_labels (name, value)",
        ]),
    ];

    /// <summary>The newest version; a database that reports a later one was written by a newer Vigil.</summary>
    public static long LatestVersion => Migrations[^1].Version;

    internal sealed record Migration(long Version, string Description, IReadOnlyList<string> Statements);
}
