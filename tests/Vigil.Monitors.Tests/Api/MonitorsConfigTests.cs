using Vigil.Common.Config;
using Vigil.Config;

namespace Vigil.Monitors.Tests.Api;

public sealed class MonitorsConfigTests
{
    [Fact]
    public void DefaultsAndValues()
    {
        Assert.Equal(MonitorsConfig.Default, VigilConfig.Parse("", "v.yml").Monitors);
        var config = VigilConfig.Parse("monitors:\n  store: postgres://u:p@h/db\n  max_concurrency: 8\n  max_timeout: 5s\n  templates_directory: /t\n", "v.yml").Monitors;
        Assert.Equal(("postgres://u:p@h/db", 8, TimeSpan.FromSeconds(5), "/t"), (config.Store, config.MaxConcurrency, config.MaxTimeout, config.TemplatesDirectory));
        var options = MonitorsSetup.Options(config, "/data");
        Assert.Equal((8, TimeSpan.FromSeconds(5), "/data"), (options.Scheduler.MaxConcurrency, options.Scheduler.MaxTimeout, options.DataDirectory));
    }

    [Theory]
    [InlineData("monitors:\n  store: mysql://h/db\n", 2, "monitors.store")]
    [InlineData("monitors:\n  max_concurrency: 0\n", 2, "monitors.max_concurrency")]
    [InlineData("monitors:\n  max_timeout: 0s\n", 2, "monitors.max_timeout")]
    [InlineData("monitors:\n  colour: red\n", 2, "monitors.colour")]
    public void ErrorsNameTheKey(string yaml, int line, string path)
    {
        var ex = Assert.Throws<ConfigException>(() => VigilConfig.Parse(yaml, "v.yml"));
        Assert.Equal((line, path), (ex.Line, ex.KeyPath));
    }
}
