using System.Globalization;

namespace Vigil.Monitors.Templates;

/// <summary>
/// A calculated field's expression: numbers, the group's value fields by name, <c>+ - * /</c>, unary minus and
/// parentheses (HertzBeat's calculates, without its string functions). Compiled once at template load into
/// postfix steps over field indexes, so evaluating a row allocates nothing.
/// </summary>
internal sealed class FieldExpression
{
    private readonly Step[] _steps;

    private FieldExpression(string text, Step[] steps, int depth)
    {
        Text = text;
        _steps = steps;
        MaxDepth = depth;
    }

    private enum Op : byte
    {
        Constant,
        Field,
        Add,
        Subtract,
        Multiply,
        Divide,
        Negate,
    }

    public string Text { get; }

    /// <summary>The deepest the evaluation stack gets.</summary>
    public int MaxDepth { get; }

    /// <summary>Compiles <paramref name="text"/>; a name is resolved through <paramref name="fieldIndex"/> (-1: unknown).</summary>
    /// <exception cref="FormatException">The text is not an expression, or names an unknown field.</exception>
    public static FieldExpression Compile(string text, Func<string, int> fieldIndex)
    {
        var parser = new ExpressionParser(text, fieldIndex);
        var steps = parser.ParseAll();
        var depth = 0;
        var max = 0;
        foreach (var step in steps)
        {
            depth += step.Op is Op.Constant or Op.Field ? 1 : step.Op == Op.Negate ? 0 : -1;
            max = Math.Max(max, depth);
        }

        return new FieldExpression(text, steps, max);
    }

    /// <summary>
    /// The value for one row: <paramref name="values"/> are the group's field values by index. A field that was
    /// not collected (NaN) makes the result NaN, and the caller skips it, as a missing field would be skipped.
    /// </summary>
    public double Evaluate(ReadOnlySpan<double> values)
    {
        Span<double> stack = MaxDepth <= 32 ? stackalloc double[32] : new double[MaxDepth];
        var top = 0;
        foreach (var step in _steps)
        {
            switch (step.Op)
            {
                case Op.Constant:
                    stack[top++] = step.Value;
                    break;
                case Op.Field:
                    stack[top++] = values[step.Index];
                    break;
                case Op.Negate:
                    stack[top - 1] = -stack[top - 1];
                    break;
                default:
                    top--;
                    stack[top - 1] = Apply(step.Op, stack[top - 1], stack[top]);
                    break;
            }
        }

        return stack[0];
    }

    public override string ToString() => Text;

    private static double Apply(Op op, double left, double right) => op switch
    {
        Op.Add => left + right,
        Op.Subtract => left - right,
        Op.Multiply => left * right,
        _ => left / right,
    };

    private readonly record struct Step(Op Op, double Value, int Index);

    /// <summary>Recursive descent: sum := product (('+'|'-') product)*; product := unary (('*'|'/') unary)*.</summary>
    private ref struct ExpressionParser
    {
        private readonly string _text;
        private readonly Func<string, int> _fieldIndex;
        private readonly List<Step> _steps = [];
        private int _pos;

        public ExpressionParser(string text, Func<string, int> fieldIndex)
        {
            _text = text;
            _fieldIndex = fieldIndex;
        }

        public Step[] ParseAll()
        {
            Sum();
            SkipSpaces();
            if (_pos < _text.Length)
            {
                throw Fail($"unexpected '{_text[_pos]}'");
            }

            return [.. _steps];
        }

        private void Sum()
        {
            Product();
            while (TakeOperator('+', Op.Add, '-', Op.Subtract) is { } op)
            {
                Product();
                _steps.Add(new Step(op, 0, 0));
            }
        }

        private void Product()
        {
            Unary();
            while (TakeOperator('*', Op.Multiply, '/', Op.Divide) is { } op)
            {
                Unary();
                _steps.Add(new Step(op, 0, 0));
            }
        }

        private Op? TakeOperator(char first, Op firstOp, char second, Op secondOp) =>
            TryTake(first) ? firstOp : TryTake(second) ? secondOp : null;

        private void Unary()
        {
            if (TryTake('-'))
            {
                Unary();
                _steps.Add(new Step(Op.Negate, 0, 0));
                return;
            }

            if (TryTake('('))
            {
                Sum();
                if (!TryTake(')'))
                {
                    throw Fail("missing ')'");
                }

                return;
            }

            Operand();
        }

        private void Operand()
        {
            SkipSpaces();
            var start = _pos;
            while (_pos < _text.Length && (char.IsAsciiLetterOrDigit(_text[_pos]) || _text[_pos] is '_' or '.'))
            {
                _pos++;
            }

            var token = _text[start.._pos];
            if (token.Length == 0)
            {
                throw Fail(_pos < _text.Length ? $"unexpected '{_text[_pos]}'" : "unexpected end");
            }

            if (char.IsAsciiDigit(token[0]) || token[0] == '.')
            {
                _steps.Add(double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
                    ? new Step(Op.Constant, number, 0)
                    : throw Fail($"'{token}' is not a number"));
                return;
            }

            var index = _fieldIndex(token);
            _steps.Add(index >= 0 ? new Step(Op.Field, 0, index) : throw Fail($"unknown field '{token}'"));
        }

        private bool Peek(char c)
        {
            SkipSpaces();
            return _pos < _text.Length && _text[_pos] == c;
        }

        private bool TryTake(char c)
        {
            if (!Peek(c))
            {
                return false;
            }

            _pos++;
            return true;
        }

        private void SkipSpaces()
        {
            while (_pos < _text.Length && _text[_pos] == ' ')
            {
                _pos++;
            }
        }

        private readonly FormatException Fail(string reason) =>
            new(string.Create(CultureInfo.InvariantCulture, $"expression '{_text}' at {_pos + 1}: {reason}"));
    }
}
