using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Vigil.Kafka;

/// <summary>
/// SCRAM-SHA-256/512 (RFC 5802, RFC 7677; Kafka KIP-84): client-first, server-first (nonce, salt, iterations),
/// client-final with the proof, then the server's signature, which is verified so a server that does not know the
/// password cannot pass as the broker.
/// </summary>
internal sealed class ScramSasl : KafkaSasl
{
    public static readonly HashAlgorithmName Sha256 = HashAlgorithmName.SHA256;
    public static readonly HashAlgorithmName Sha512 = HashAlgorithmName.SHA512;

    /// <summary>Kafka stores credentials with 4096..16384 iterations; far more is a server making us burn CPU.</summary>
    private const int MaxIterations = 100_000;

    private readonly string _user;
    private readonly string _password;
    private readonly HashAlgorithmName _hash;
    private readonly string _clientNonce;
    private byte[]? _expectedServerSignature;
    private bool _done;

    public ScramSasl(string user, string password, HashAlgorithmName hash, string? clientNonce = null)
    {
        _user = user;
        _password = password;
        _hash = hash;
        _clientNonce = clientNonce ?? Convert.ToBase64String(RandomNumberGenerator.GetBytes(24));
    }

    private string ClientFirstBare => "n=" + EscapeName(_user) + ",r=" + _clientNonce;

    public override byte[] First() => Encoding.UTF8.GetBytes("n,," + ClientFirstBare);

    public override byte[]? Next(byte[] serverToken)
    {
        if (_done)
        {
            return null;
        }

        var message = Encoding.UTF8.GetString(serverToken);
        if (_expectedServerSignature is null)
        {
            return ClientFinal(message);
        }

        VerifyServerFinal(message);
        _done = true;
        return null;
    }

    private byte[] ClientFinal(string serverFirst)
    {
        var fields = ParseFields(serverFirst);
        var nonce = Field(fields, 'r', serverFirst);
        if (!nonce.StartsWith(_clientNonce, StringComparison.Ordinal) || nonce.Length == _clientNonce.Length)
        {
            throw Failure("the server's nonce does not extend the client's");
        }

        var salt = DecodeBase64(Field(fields, 's', serverFirst), "salt");
        if (!int.TryParse(Field(fields, 'i', serverFirst), NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < 1 or > MaxIterations)
        {
            throw Failure($"iteration count \"{Field(fields, 'i', serverFirst)}\" is not in 1..{MaxIterations}");
        }

        var withoutProof = "c=biws,r=" + nonce; // biws = base64("n,,"): no channel binding, no authzid
        var authMessage = Encoding.UTF8.GetBytes(ClientFirstBare + "," + serverFirst + "," + withoutProof);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(_password), salt, iterations, _hash, HashLength);
        var clientKey = Hmac(salted, "Client Key"u8);
        var signature = Hmac(Hash(clientKey), authMessage);
        for (var i = 0; i < signature.Length; i++)
        {
            signature[i] ^= clientKey[i];
        }

        _expectedServerSignature = Hmac(Hmac(salted, "Server Key"u8), authMessage);
        return Encoding.UTF8.GetBytes(withoutProof + ",p=" + Convert.ToBase64String(signature));
    }

    private void VerifyServerFinal(string serverFinal)
    {
        var fields = ParseFields(serverFinal);
        if (fields.TryGetValue('e', out var error))
        {
            throw Failure("the server refused: " + error);
        }

        var signature = DecodeBase64(Field(fields, 'v', serverFinal), "server signature");
        if (!CryptographicOperations.FixedTimeEquals(signature, _expectedServerSignature))
        {
            throw Failure("the server's signature is wrong: it does not know the credentials");
        }
    }

    private int HashLength => _hash == Sha512 ? 64 : 32;

    private byte[] Hmac(byte[] key, ReadOnlySpan<byte> data) =>
        _hash == Sha512 ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);

    private byte[] Hash(byte[] data) => _hash == Sha512 ? SHA512.HashData(data) : SHA256.HashData(data);

    private static string EscapeName(string name) => name.Replace("=", "=3D", StringComparison.Ordinal).Replace(",", "=2C", StringComparison.Ordinal);

    private static Dictionary<char, string> ParseFields(string message)
    {
        var fields = new Dictionary<char, string>();
        foreach (var part in message.Split(','))
        {
            if (part.Length >= 2 && part[1] == '=')
            {
                fields.TryAdd(part[0], part[2..]);
            }
        }

        return fields;
    }

    private static string Field(Dictionary<char, string> fields, char name, string message) =>
        fields.TryGetValue(name, out var value) ? value : throw Failure($"the server's message \"{message}\" lacks {name}=");

    private static byte[] DecodeBase64(string text, string what)
    {
        try
        {
            return Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            throw Failure($"the {what} is not base64");
        }
    }

    private static KafkaException Failure(string reason) =>
        new(KafkaErrorCodes.SaslAuthenticationFailed, "SASL_AUTHENTICATION_FAILED", "SCRAM: " + reason);
}
