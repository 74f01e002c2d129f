using System.Runtime.CompilerServices;

namespace Vigil.PromQL.Tests.Scripts;

/// <summary>Runs every <c>*.test</c> script under this folder (functions/ included); one theory case per file.</summary>
public sealed class ScriptTests
{
    public static TheoryData<string> Files()
    {
        var data = new TheoryData<string>();
        foreach (var path in Directory.EnumerateFiles(Folder(), "*.test", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(Folder(), path));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Script_passes(string file)
    {
        var runner = new ScriptRunner(file, File.ReadAllText(Path.Combine(Folder(), file)));
        var failures = runner.Run();
        Assert.True(runner.Evals > 0, $"{file} has no eval command");
        Assert.True(failures.Count == 0, $"{failures.Count} of {runner.Evals} evals failed:\n" + string.Join("\n", failures));
    }

    /// <summary>The scripts are read from the source tree, found from this file's path at compile time.</summary>
    private static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}
