using System.Globalization;
using Vigil.PromQL.Engine;
using Vigil.Tsdb;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Tests.Scripts;

/// <summary>
/// Runs one test script (the format is in <c>README.md</c> beside this file) against the real TSDB head and the
/// engine, and returns one message per failed command, each starting with <c>file:line</c>.
/// </summary>
internal sealed partial class ScriptRunner
{
    private readonly string _file;
    private readonly string[] _lines;
    private readonly List<string> _failures = [];
    private Head _head = new();
    private QueryEngineOptions _options = QueryEngineOptions.Default;
    private int _evals;

    public ScriptRunner(string file, string text)
    {
        _file = file;
        _lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
    }

    /// <summary>How many eval commands ran.</summary>
    public int Evals => _evals;

    public IReadOnlyList<string> Run()
    {
        int i = 0;
        while (i < _lines.Length)
        {
            string line = _lines[i].Trim();
            int lineNo = i + 1;
            i++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var body = TakeIndented(ref i);
            try
            {
                RunCommand(line, lineNo, body);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                Fail(lineNo, $"bad command \"{line}\": {e.Message}");
            }
        }

        _head.Dispose();
        return _failures;
    }

    /// <summary>A command's body: the indented lines right after it, up to a blank or unindented line.</summary>
    private List<(int Line, string Text)> TakeIndented(ref int i)
    {
        var body = new List<(int, string)>();
        for (; i < _lines.Length && _lines[i].Trim().Length > 0 && char.IsWhiteSpace(_lines[i][0]); i++)
        {
            string text = _lines[i].Trim();
            if (!text.StartsWith('#'))
            {
                body.Add((i + 1, text));
            }
        }

        return body;
    }

    private void RunCommand(string line, int lineNo, List<(int Line, string Text)> body)
    {
        var words = line.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        switch (words[0])
        {
            case "load":
                Load(ParseDuration(words[1]), body);
                break;
            case "clear":
                _head.Dispose();
                _head = new Head();
                break;
            case "set":
                Set(words[1]);
                break;
            case "eval" or "eval_ordered" or "eval_fail":
                var eval = ParseEval(words[0], words[1], lineNo, body);
                _evals++;
                Evaluate(eval);
                break;
            default:
                throw new FormatException("unknown command " + words[0]);
        }
    }

    private void Load(long interval, List<(int Line, string Text)> body)
    {
        var appender = _head.Appender();
        foreach (var (lineNo, text) in body)
        {
            var (labelsText, rest) = ScriptValues.SplitLabels(text);
            var labels = ScriptValues.ParseLabels(labelsText);
            var values = ScriptValues.Expand(rest.Split(' ', StringSplitOptions.RemoveEmptyEntries));
            for (int j = 0; j < values.Count; j++)
            {
                if (values[j] is double v)
                {
                    var result = appender.Append(SeriesRef.None, labels, j * interval, v);
                    if (!result.IsSuccess)
                    {
                        Fail(lineNo, $"cannot load sample {j} of {labels}: {AppendException.Describe(result.Error)}");
                    }
                }
            }
        }

        appender.CommitAsync().GetAwaiter().GetResult();
    }

    /// <summary><c>set lookback_delta 1m</c>, <c>set max_samples 100</c>, <c>set timeout 1s</c>: engine options for the evals that follow.</summary>
    private void Set(string args)
    {
        var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        _options = parts[0] switch
        {
            "lookback_delta" => _options with { LookbackDelta = TimeSpan.FromMilliseconds(ParseDuration(parts[1])) },
            "max_samples" => _options with { MaxSamples = int.Parse(parts[1], CultureInfo.InvariantCulture) },
            "timeout" => _options with { Timeout = TimeSpan.FromMilliseconds(ParseDuration(parts[1])) },
            _ => throw new FormatException("unknown option " + parts[0]),
        };
    }

    private void Fail(int lineNo, string message) => _failures.Add($"{_file}:{lineNo}: {message}");

    /// <summary>A duration (<c>5m</c>, <c>1h30m</c>) or a number of seconds (<c>90</c>, <c>-1.5</c>), as milliseconds.</summary>
    internal static long ParseDuration(string text)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds))
        {
            return (long)Math.Round(seconds * 1000);
        }

        bool negative = text.StartsWith('-');
        return PromDuration.TryParse(negative ? text[1..] : text, out var d, out string? error)
            ? (negative ? -1 : 1) * (long)d.TotalMilliseconds
            : throw new FormatException($"bad duration \"{text}\": {error}");
    }
}
