using Vigil.Config;

namespace Vigil.Instances;

/// <summary>Everything that decides how one instance runs.</summary>
internal sealed record InstanceSpec(InstanceConfig Config, string WalDirectory, long MaxBodyBytes)
{
    public string Name => Config.Name;

    /// <summary>Equal keys: nothing to do on reload.</summary>
    public string Key => $"{Config.Fingerprint}|{RunKey}";

    /// <summary>A change here restarts the run; a change only to <see cref="Key"/> (scrape configs) is applied to the running one.</summary>
    public string RunKey => $"{Config.RunFingerprint}|{WalDirectory}|{MaxBodyBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
}
