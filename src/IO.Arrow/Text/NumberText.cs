using System.Globalization;

namespace GrnFast.IO.Text;

/// <summary>Invariant-culture number parsing that tells "not a number" apart from "NaN or infinite".</summary>
internal static class NumberText
{
    public enum Outcome { Finite, NotANumber, NaN, Infinite }

    public static Outcome TryParseSingle(ReadOnlySpan<char> text, out float value)
    {
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return float.IsNaN(value) ? Outcome.NaN : float.IsInfinity(value) ? Outcome.Infinite : Outcome.Finite;
        return Spelled(text, out value);
    }

    public static Outcome TryParseDouble(ReadOnlySpan<char> text, out double value)
    {
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
            return double.IsNaN(value) ? Outcome.NaN : double.IsInfinity(value) ? Outcome.Infinite : Outcome.Finite;
        var o = Spelled(text, out var f);
        value = f;
        return o;
    }

    public static bool IsNumber(ReadOnlySpan<char> text) => TryParseSingle(text, out _) != Outcome.NotANumber;

    // R, NumPy and pandas spell these "nan", "inf", "-inf", "Inf"; .NET only parses "NaN" and "Infinity".
    private static Outcome Spelled(ReadOnlySpan<char> text, out float value)
    {
        var t = text.Trim();
        bool negative = t.Length > 0 && t[0] == '-';
        if (t.Length > 0 && (t[0] == '+' || t[0] == '-')) t = t[1..];
        if (t.Equals("nan", StringComparison.OrdinalIgnoreCase)) { value = float.NaN; return Outcome.NaN; }
        if (t.Equals("inf", StringComparison.OrdinalIgnoreCase) || t.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = negative ? float.NegativeInfinity : float.PositiveInfinity;
            return Outcome.Infinite;
        }
        value = 0;
        return Outcome.NotANumber;
    }
}
