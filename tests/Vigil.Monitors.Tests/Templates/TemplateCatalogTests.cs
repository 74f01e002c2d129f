using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Tests.Templates;

public sealed class TemplateCatalogTests : IDisposable
{
    private readonly string _user = Directory.CreateTempSubdirectory("vigil-templates-").FullName;

    public void Dispose() => Directory.Delete(_user, recursive: true);

    [Fact]
    public void BadFileIsReportedAndTheOthersLoad()
    {
        File.WriteAllText(Path.Combine(_user, "good.yml"), "app: good\nprotocol: tcp\nmetrics: [{name: a, fields: [{field: x, metric: good_x}]}]\n");
        File.WriteAllText(Path.Combine(_user, "broken.yml"), "app: broken\nprotocol: tcp\nmetrics:\n  - name: a\n    fields: [{field: x}]\n");
        var catalog = TemplateCatalog.Load(TemplateCatalog.ShippedDirectory, _user);
        var error = Assert.Single(catalog.Errors);
        Assert.StartsWith(Path.Combine(_user, "broken.yml") + ":5: metrics[0].fields[0].metric:", error, StringComparison.Ordinal);
        Assert.NotNull(catalog.Find("good"));
        Assert.Null(catalog.Find("broken"));
        Assert.NotNull(catalog.Find("website"));
    }

    [Fact]
    public void UserTemplateReplacesShippedOneAndReloadSeesChanges()
    {
        var catalog = TemplateCatalog.Load(TemplateCatalog.ShippedDirectory, _user);
        Assert.Equal("http", catalog.Find("website")!.Protocol);

        File.WriteAllText(Path.Combine(_user, "mine.yml"), "app: website\nprotocol: custom\nmetrics: [{name: a, fields: [{field: x, metric: x}]}]\n");
        Assert.Empty(catalog.Reload());
        Assert.Equal("custom", catalog.Find("website")!.Protocol);

        File.WriteAllText(Path.Combine(_user, "again.yml"), "app: website\nprotocol: other\nmetrics: [{name: a, fields: [{field: x, metric: x}]}]\n");
        var error = Assert.Single(catalog.Reload());
        Assert.Contains("already defined by", error, StringComparison.Ordinal);
    }
}
