namespace Vigil.Kafka;

/// <summary>
/// Kafka's error codes and names (protocol guide, "Error Codes"; Errors.java), and the few client-side codes this
/// client adds for failures that are not a broker's answer. Client-side codes are negative below -1, borrowing
/// librdkafka's numbers and leading underscore, so they can never collide with a broker's code.
/// </summary>
internal static partial class KafkaErrorCodes
{
    public const short None = 0;
    public const short UnknownServerError = -1;
    public const short OffsetOutOfRange = 1;
    public const short CorruptMessage = 2;
    public const short UnknownTopicOrPartition = 3;
    public const short LeaderNotAvailable = 5;
    public const short NotLeaderOrFollower = 6;
    public const short RequestTimedOut = 7;
    public const short BrokerNotAvailable = 8;
    public const short CoordinatorLoadInProgress = 14;
    public const short CoordinatorNotAvailable = 15;
    public const short NotCoordinator = 16;
    public const short IllegalSaslState = 34;
    public const short UnsupportedVersion = 35;
    public const short SaslAuthenticationFailed = 58;

    /// <summary>Client side: the broker's connection failed or was closed (librdkafka's _TRANSPORT).</summary>
    public const short Transport = -195;

    /// <summary>Client side: the request passed its deadline (librdkafka's _TIMED_OUT).</summary>
    public const short TimedOut = -185;

    /// <summary>Client side: the broker's answer could not be decoded (librdkafka's _BAD_MSG).</summary>
    public const short BadMessage = -199;


    /// <summary>Kafka's name for a code, or <c>UNKNOWN_ERROR_CODE_&lt;n&gt;</c> for one this table lacks.</summary>
    public static string Name(short code) => code switch
    {
        Transport => "_TRANSPORT",
        TimedOut => "_TIMED_OUT",
        BadMessage => "_BAD_MSG",
        >= -1 and < 0 => "UNKNOWN_SERVER_ERROR",
        >= 0 when code < Names.Length && Names[code] is { } name => name,
        _ => "UNKNOWN_ERROR_CODE_" + code.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Whether retrying on a fresh coordinator may help (the coordinator moved or is starting).</summary>
    public static bool IsCoordinatorMoved(short code) =>
        code is NotCoordinator or CoordinatorNotAvailable or CoordinatorLoadInProgress;
}
