namespace Vigil.Kafka;

/// <summary>
/// One Kafka API as this client implements it: its key, the versions it can write and read, and the first flexible
/// version (compact strings and arrays, tagged fields, request header v2 and response header v1; from each
/// message's <c>flexibleVersions</c> in Kafka's <c>clients/src/main/resources/common/message/*.json</c>).
/// </summary>
internal sealed record KafkaApi(short Key, string Name, short MinVersion, short MaxVersion, short FlexibleFrom)
{
    public const short NeverFlexible = short.MaxValue;

    public static readonly KafkaApi ListOffsets = new(2, "ListOffsets", 0, 7, 6);
    public static readonly KafkaApi Metadata = new(3, "Metadata", 0, 12, 9);
    public static readonly KafkaApi OffsetFetch = new(9, "OffsetFetch", 0, 8, 6);
    public static readonly KafkaApi FindCoordinator = new(10, "FindCoordinator", 0, 4, 3);
    public static readonly KafkaApi DescribeGroups = new(15, "DescribeGroups", 0, 5, 5);
    public static readonly KafkaApi ListGroups = new(16, "ListGroups", 0, 4, 3);
    public static readonly KafkaApi SaslHandshake = new(17, "SaslHandshake", 0, 1, NeverFlexible);
    public static readonly KafkaApi ApiVersions = new(18, "ApiVersions", 0, 3, 3);
    public static readonly KafkaApi DescribeConfigs = new(32, "DescribeConfigs", 0, 4, 4);
    public static readonly KafkaApi SaslAuthenticate = new(36, "SaslAuthenticate", 0, 2, 2);
    public static readonly KafkaApi DescribeCluster = new(60, "DescribeCluster", 0, 0, 0);

    public bool IsFlexible(short version) => version >= FlexibleFrom;

    /// <summary>Request header v2 for flexible versions, v1 otherwise (protocol guide, "Headers").</summary>
    public short RequestHeaderVersion(short version) => IsFlexible(version) ? (short)2 : (short)1;

    /// <summary>
    /// Response header v1 for flexible versions, v0 otherwise, except ApiVersions: its response keeps header v0 in
    /// every version, so a client that does not yet know the broker's versions can always read it (KIP-511).
    /// </summary>
    public short ResponseHeaderVersion(short version) => Key != ApiVersions.Key && IsFlexible(version) ? (short)1 : (short)0;

    public string Describe(short version) => $"{Name} v{version}";

    /// <summary>The one group a version before batching can carry; more is the caller's mistake.</summary>
    public string Single(short version, IReadOnlyList<string> groups) =>
        groups.Count == 1 ? groups[0] : throw new ArgumentException($"{Describe(version)} asks for exactly one group, not {groups.Count}", nameof(groups));
}
