// Results and metrics through the C# binding against the real library, printed as JSON lines for
// tests/test_results_real.py to compare with the official Python package: for an LLM (greedy, and beam
// search returning several sequences) and Whisper (with and without timestamps).
// Usage: ResultsDriver.exe LLM_MODEL WHISPER_MODEL AUDIO.f32 KEY=VALUE... (pipeline properties; the audio as
// little-endian float32 samples at 16 kHz); stdin: prompts, one a line.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using OpenVINO.GenAI;

namespace GenAIInterop.RealDrivers
{
    public static class ResultsDriver
    {
        public static int Main(string[] args)
        {
            var properties = new List<KeyValuePair<string, string>>();
            for (int i = 3; i < args.Length; i++)
            {
                int eq = args[i].IndexOf('=');
                properties.Add(new KeyValuePair<string, string>(args[i].Substring(0, eq), args[i].Substring(eq + 1)));
            }
            var prompts = new List<string>();
            string line;
            while ((line = Console.In.ReadLine()) != null) prompts.Add(line);
            var output = Console.Out;
            using (var pipeline = new LLMPipeline(args[0], "CPU", properties))
            {
                foreach (string prompt in prompts)
                {
                    var greedy = new GenerationConfig { MaxNewTokens = 16 };
                    output.WriteLine(Row("llm:greedy", pipeline.Generate(prompt, greedy)));
                    var beams = new GenerationConfig { MaxNewTokens = 12, NumBeams = 3, NumReturnSequences = 3 };
                    output.WriteLine(Row("llm:beams", pipeline.Generate(prompt, beams)));
                }
            }
            using (var whisper = new WhisperPipeline(args[1], "CPU", properties))
            {
                byte[] bytes = System.IO.File.ReadAllBytes(args[2]);
                var audio = new float[bytes.Length / 4];
                Buffer.BlockCopy(bytes, 0, audio, 0, audio.Length * 4);
                foreach (bool timestamps in new[] { false, true })
                {
                    WhisperGenerationConfig config = whisper.GetGenerationConfig();  // a plain value: nothing to dispose
                    config.ReturnTimestamps = timestamps;
                    WhisperDecodedResults results = whisper.Generate(audio, config);
                    var row = new StringBuilder(Row("whisper", results.ToString(), results.Texts, results.Scores,
                                                    results.PerfMetrics.NumGeneratedTokens, 0));
                    row.Length -= 1;
                    row.Append(",\"chunks\":");
                    if (results.Chunks == null) row.Append("null");
                    else row.Append("[").Append(string.Join(",", results.Chunks.Select(c => "[" + Number(c.StartTs.TotalSeconds) + ","
                        + Number(c.EndTs.TotalSeconds) + "," + Json(c.Text) + "]"))).Append("]");
                    output.WriteLine(row.Append("}").ToString());
                }
            }
            return 0;
        }

        private static string Row(string kind, DecodedResults results)
        {
            return Row(kind, results.ToString(), results.Texts, results.Scores, results.PerfMetrics.NumGeneratedTokens,
                       results.PerfMetrics.NumInputTokens);
        }

        private static string Row(string kind, string text, IReadOnlyList<string> texts, IReadOnlyList<float> scores,
                                  int generated, int input)
        {
            return "{\"kind\":" + Json(kind) + ",\"str\":" + Json(text)
                + ",\"texts\":[" + string.Join(",", texts.Select(Json)) + "]"
                + ",\"scores\":[" + string.Join(",", scores.Select(s => float.IsNaN(s) ? "NaN" : Number(s))) + "]"
                + ",\"num_generated_tokens\":" + generated + ",\"num_input_tokens\":" + input + "}";
        }

        private static string Number(double value)
        {
            return value.ToString("R", CultureInfo.InvariantCulture);
        }

        private static string Json(string value)
        {
            var sb = new StringBuilder("\"");
            foreach (char c in value)
            {
                if (c == '"' || c == '\\') sb.Append('\\').Append(c);
                else if (c < 0x20) sb.Append("\\u").Append(((int)c).ToString("x4"));
                else sb.Append(c);
            }
            return sb.Append('"').ToString();
        }
    }
}
