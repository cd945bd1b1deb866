using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;

namespace OpenVINO.Interop
{
    /// <summary>
    /// The text form "scored_lines" of several results (support for generated code): one text is given alone
    /// (its score is not in the form, so it reads as NaN); several as lines <c>&lt;score&gt;: &lt;text&gt;</c>
    /// joined by a newline, each score printed with 6 decimals. A lone text that itself starts like
    /// <c>0.500000: </c> and holds a newline followed by the same pattern cannot be told apart from several.
    /// </summary>
    public static class ScoredLines
    {
        private const string Score = @"-?(?:\d+\.\d{6}|inf|nan)";
        private static readonly Regex First = new Regex("^(" + Score + "): ", RegexOptions.CultureInvariant);
        private static readonly Regex Next = new Regex("\n(" + Score + "): ", RegexOptions.CultureInvariant);

        /// <summary>The texts and scores <paramref name="text"/> holds.</summary>
        public static void Split(string text, out List<string> texts, out List<float> scores)
        {
            texts = new List<string>();
            scores = new List<float>();
            Match first = text == null ? null : First.Match(text);
            if (first == null || !first.Success)
            {
                texts.Add(text ?? "");
                scores.Add(float.NaN);
                return;
            }
            scores.Add(Parse(first.Groups[1].Value));
            int start = first.Index + first.Length;
            for (Match m = Next.Match(text, start); m.Success; m = m.NextMatch())
            {
                texts.Add(text.Substring(start, m.Index - start));
                scores.Add(Parse(m.Groups[1].Value));
                start = m.Index + m.Length;
            }
            texts.Add(text.Substring(start));
            if (texts.Count == 1)
            {
                // One text that merely starts like a score: the form never prefixes a lone text.
                texts[0] = text;
                scores[0] = float.NaN;
            }
        }

        private static float Parse(string value)
        {
            switch (value)
            {
                case "inf": return float.PositiveInfinity;
                case "-inf": return float.NegativeInfinity;
                case "nan":
                case "-nan": return float.NaN;
                default: return float.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture);
            }
        }
    }
}
