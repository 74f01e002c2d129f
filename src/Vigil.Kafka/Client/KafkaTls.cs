using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Kafka;

/// <summary>TLS for the SSL and SASL_SSL security protocols: CA file, client certificate, server name, skip-verify.</summary>
internal static class KafkaTls
{
    public static async Task<Stream> AuthenticateAsync(Stream inner, KafkaEndpoint endpoint, KafkaClientOptions options, CancellationToken ct)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        var serverName = options.TlsServerName ?? endpoint.Host;
        var authentication = new SslClientAuthenticationOptions
        {
            TargetHost = serverName,
            EnabledSslProtocols = SslProtocols.None, // the system's defaults: TLS 1.2 and 1.3
            ClientCertificates = LoadClientCertificate(options),
            RemoteCertificateValidationCallback = Validator(options),
        };
        try
        {
            await ssl.AuthenticateAsClientAsync(authentication, ct).ConfigureAwait(false);
            return ssl;
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw new KafkaConnectionException($"{endpoint}: TLS handshake failed (server name {serverName}): {e.Message}", e);
        }
    }

    private static X509CertificateCollection? LoadClientCertificate(KafkaClientOptions options)
    {
        if (options.TlsCertFile is null)
        {
            return null;
        }

        var certificate = X509Certificate2.CreateFromPemFile(options.TlsCertFile, options.TlsKeyFile);
        return [certificate];
    }

    private static RemoteCertificateValidationCallback? Validator(KafkaClientOptions options)
    {
        if (options.TlsInsecureSkipVerify)
        {
            return static (_, _, _, _) => true;
        }

        if (options.TlsCaFile is null)
        {
            return null; // the system's trust store
        }

        var roots = new X509Certificate2Collection();
        roots.ImportFromPemFile(options.TlsCaFile);
        return (_, certificate, _, errors) => ValidateWithRoots(certificate, errors, roots);
    }

    /// <summary>Trusts only the CA file's certificates (not the system's), still checking the server name.</summary>
    private static bool ValidateWithRoots(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2Collection roots)
    {
        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(new X509Certificate2(certificate));
    }
}
