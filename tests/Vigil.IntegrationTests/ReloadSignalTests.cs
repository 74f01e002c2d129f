using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests;

/// <summary>SIGHUP reloads the config file, as it does for Prometheus and Grafana Agent.</summary>
public sealed class ReloadSignalTests
{
    [Fact]
    public async Task Sighup_reloads_the_config_file()
    {
        using var dir = new TempDir("sighup");
        var config = dir.Combine("vigil.yml");
        await File.WriteAllTextAsync(config, "metrics:\n  configs:\n    - name: default\n");
        await using var vigil = await VigilPeer.StartAsync(dir.CreateSubdirectory("data"), dir.Path, config);
        Assert.DoesNotContain("\"added\"", await vigil.Client.GetStringAsync("/agent/api/v1/metrics/instances"), StringComparison.Ordinal);

        await File.WriteAllTextAsync(config, "metrics:\n  configs:\n    - name: default\n    - name: added\n");
        Assert.Equal(0, NativeMethods.Kill(vigil.Process.Pid, NativeMethods.SigHup));
        await RemoteWriteForwardingTests.WaitForAsync(
            async () => (await vigil.Client.GetStringAsync("/agent/api/v1/metrics/instances")).Contains("\"added\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            "the instance the reloaded file adds");
        Assert.False(vigil.Process.HasExited, vigil.Process.Describe());
    }
}
