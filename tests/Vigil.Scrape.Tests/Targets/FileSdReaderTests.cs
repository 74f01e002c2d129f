using Vigil.Scrape.Config;
using Vigil.Scrape.Targets;
using static Vigil.Scrape.Tests.Targets.TargetCheck;

namespace Vigil.Scrape.Tests.Targets;

/// <summary>file_sd_configs files: both formats, errors that name file and reason, and globbing.</summary>
public sealed class FileSdReaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "vigil-tests", "filesd-" + Guid.NewGuid().ToString("N"))).FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }

    private static IReadOnlyList<TargetGroup> ReadOk(string path)
    {
        var result = FileSdReader.Read(path);
        Assert.Null(result.Error);
        return result.Groups;
    }

    private static void AssertGroups(string path, IReadOnlyList<TargetGroup> groups)
    {
        Assert.Equal([path + ":0", path + ":1"], groups.Select(g => g.Source));
        Assert.Equal(["a:9100", "b:9100"], groups[0].Targets.Select(t => t[TargetGroup.AddressLabel]));
        Assert.Equal("__meta_filepath=" + path + " env=prod team=db", Format(groups[0].Labels.Select(l => (l.Key, l.Value))));
        Assert.Equal("__meta_filepath=" + path, Format(groups[1].Labels.Select(l => (l.Key, l.Value))));
        Assert.Equal(["c"], groups[1].Targets.Select(t => t[TargetGroup.AddressLabel]));
    }

    [Fact]
    public void ReadsJson()
    {
        // Unknown keys are ignored in JSON, as encoding/json does in Prometheus.
        var path = Write("t.json", """
            [
              {"targets": ["a:9100", "b:9100"], "labels": {"team": "db", "env": "prod"}, "comment": "ignored"},
              {"targets": ["c"]}
            ]
            """);
        AssertGroups(path, ReadOk(path));
    }

    [Fact]
    public void ReadsYaml()
    {
        var path = Write("t.yml", """
            - targets: ['a:9100', 'b:9100']
              labels:
                team: db
                env: prod
            - targets: [c]
            """);
        AssertGroups(path, ReadOk(path));
        Assert.Empty(ReadOk(Write("empty.yaml", "")));
    }

    [Theory]
    [InlineData("bad.json", "[{\"targets\": [\"a\"]}\n,\n", 3, "invalid JSON")]
    [InlineData("bad.json", "{\"targets\": [\"a\"]}", 0, "expected a JSON list of target groups")]
    [InlineData("bad.json", "[{\"targets\": [1]}]", 0, "[0].targets: expected a string, got number")]
    [InlineData("bad.json", "[{\"targets\": [], \"labels\": {\"bad-name\": \"x\"}}]", 0, "[0].labels: 'bad-name' is not a valid label name")]
    [InlineData("bad.yml", "- targets: [a]\n  lables: {x: y}\n", 2, "[0].lables: unknown key 'lables'")]
    [InlineData("bad.yml", "- targets: [a]\n- targets: a\n", 2, "[1].targets: expected a list, got 'a'")]
    [InlineData("bad.yml", "- targets: [a]\n  labels: {'bad-name': x}\n", 2, "[0].labels: 'bad-name' is not a valid label name")]
    [InlineData("bad.yml", "targets: [a]\n", 1, "expected a list, got a mapping")]
    [InlineData("bad.yml", "- targets: [a\n", 2, "YAML syntax error")]
    public void BadFileGivesFileLineAndReason(string name, string text, int line, string reason)
    {
        var path = Write(name, text);
        var result = FileSdReader.Read(path);
        Assert.Empty(result.Groups);
        Assert.NotNull(result.Error);
        Assert.Equal(path, result.Error.File);
        Assert.Equal(line, result.Error.Line);
        Assert.StartsWith(reason, result.Error.Reason, StringComparison.Ordinal);
        Assert.StartsWith(path + (line > 0 ? ":" + line : "") + ": ", result.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MissingFileIsAnErrorNotAnException()
    {
        var result = FileSdReader.Read(Path.Combine(_dir, "absent.json"));
        Assert.Empty(result.Groups);
        Assert.Contains("absent.json", result.Error!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void GlobMatchesOnlyTheFileNamePart()
    {
        Write("nodes-a.json", "[]");
        Write("nodes-b.json", "[]");
        Write("other.json", "[]");
        Write("nodes-c.yml", "[]");
        Write("sub/nodes-d.json", "[]");
        Assert.Equal(
            [Path.Combine(_dir, "nodes-a.json"), Path.Combine(_dir, "nodes-b.json")],
            FileSdReader.Expand(Path.Combine(_dir, "nodes-*.json")));
        Assert.Equal(3, FileSdReader.Expand(Path.Combine(_dir, "*.json")).Count);
        Assert.Equal([Path.Combine(_dir, "other.json")], FileSdReader.Expand(Path.Combine(_dir, "other.json")));
        Assert.Empty(FileSdReader.Expand(Path.Combine(_dir, "missing", "*.json")));
        Assert.Empty(FileSdReader.Expand(Path.Combine(_dir, "none.json")));
    }

    [Theory]
    [InlineData("*.json", "a.json", true)]
    [InlineData("*.json", "a.json.bak", false)]
    [InlineData("n*-*.yml", "node-1.yml", true)]
    [InlineData("n*-*.yml", "node.yml", false)]
    [InlineData("a.json", "a.json", true)]
    [InlineData("*", "", true)]
    public void WildcardMatching(string pattern, string name, bool matches) =>
        Assert.Equal(matches, FileSdReader.WildcardMatches(pattern, name));

    [Fact]
    public async Task GlobbedTargetsCarryTheirFilePathIntoRelabeling()
    {
        var a = Write("sd/a.json", """[{"targets": ["a:1"]}]""");
        var b = Write("sd/b.yaml", "- targets: ['b:1']\n");
        var bad = Write("sd/c.json", "not json");
        var config = ParseConfig($$"""
            job_name: files
            file_sd_configs:
              - files: ['{{_dir}}/sd/*.json', '{{_dir}}/sd/*.yaml']
            relabel_configs:
              - {source_labels: [__meta_filepath], regex: '.*/([^/]+)\.(json|yaml)', target_label: sd_file}
            """);

        var errors = new List<string>();
        await using var watcher = new FileSdWatcher(Assert.Single(config.FileSdConfigs), _ => Task.CompletedTask, errors.Add);
        var groups = watcher.Groups;
        Assert.StartsWith("file_sd: " + bad + ":", Assert.Single(errors), StringComparison.Ordinal);
        Assert.Equal([a + ":0", b + ":0"], groups.Select(g => g.Source));

        var targets = groups.SelectMany(g => TargetBuilder.Build(config, g).Targets).ToList();
        Assert.Equal(
            ["instance=a:1 job=files sd_file=a", "instance=b:1 job=files sd_file=b"],
            targets.Select(t => Format(t.Labels)));
        Assert.Contains(("__meta_filepath", a), targets[0].DiscoveredLabels);
    }
}
