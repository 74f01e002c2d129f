using System.Security.Cryptography;
using System.Text;

namespace Vigil.Kafka.Tests.Fake;

/// <summary>
/// The server side of SCRAM (RFC 5802) for the fake broker: checks the client's proof against the password it knows,
/// and signs with <paramref name="signingPassword"/> (normally the same; a different one plays an impostor).
/// </summary>
internal sealed class ScramServer(HashAlgorithmName hash, string user, string password, string? signingPassword = null)
{
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(16);
    private string _clientFirstBare = "";
    private string _serverFirst = "";

    /// <summary>The next server message, or an error text (the exchange failed) as Error.</summary>
    public (string? Message, string? Error) Step(string clientMessage)
    {
        if (_serverFirst.Length == 0)
        {
            if (!clientMessage.StartsWith("n,,", StringComparison.Ordinal))
            {
                return (null, "bad GS2 header");
            }

            _clientFirstBare = clientMessage[3..];
            var fields = Fields(_clientFirstBare);
            if (fields["n"] != user)
            {
                return (null, "unknown user");
            }

            _serverFirst = $"r={fields["r"]}srv-nonce,s={Convert.ToBase64String(_salt)},i=4096";
            return (_serverFirst, null);
        }

        var final = Fields(clientMessage);
        var withoutProof = clientMessage[..clientMessage.IndexOf(",p=", StringComparison.Ordinal)];
        var authMessage = Encoding.UTF8.GetBytes($"{_clientFirstBare},{_serverFirst},{withoutProof}");
        if (!ProofIsValid(password, Convert.FromBase64String(final["p"]), authMessage))
        {
            return (null, "invalid proof");
        }

        var serverKey = Hmac(Salted(signingPassword ?? password), "Server Key"u8.ToArray());
        return ("v=" + Convert.ToBase64String(Hmac(serverKey, authMessage)), null);
    }

    private bool ProofIsValid(string knownPassword, byte[] proof, byte[] authMessage)
    {
        var clientKey = Hmac(Salted(knownPassword), "Client Key"u8.ToArray());
        var storedKey = hash == HashAlgorithmName.SHA512 ? SHA512.HashData(clientKey) : SHA256.HashData(clientKey);
        var signature = Hmac(storedKey, authMessage);
        if (proof.Length != signature.Length)
        {
            return false;
        }

        var recovered = proof.Zip(signature, (a, b) => (byte)(a ^ b)).ToArray();
        var recoveredStored = hash == HashAlgorithmName.SHA512 ? SHA512.HashData(recovered) : SHA256.HashData(recovered);
        return recoveredStored.SequenceEqual(storedKey);
    }

    private byte[] Salted(string secret) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(secret), _salt, 4096, hash, hash == HashAlgorithmName.SHA512 ? 64 : 32);

    private byte[] Hmac(byte[] key, byte[] data) => hash == HashAlgorithmName.SHA512 ? HMACSHA512.HashData(key, data) : HMACSHA256.HashData(key, data);

    private static Dictionary<string, string> Fields(string message) =>
        message.Split(',').Where(p => p.Length > 1 && p[1] == '=').ToDictionary(p => p[..1], p => p[2..]);
}
