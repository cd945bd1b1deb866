// Test driver (tests/test_vlm_whisper_real.py): runs Whisper runs described one per line on stdin and
// prints one result line per run, for comparison with Python openvino_genai.
//   WhisperDriver MODEL_DIR [KEY=VALUE]...          (pipeline properties)
// Input line:  AUDIO_FILE (raw little-endian float32, 16 kHz mono) TAB return_timestamps (0/1) TAB language TAB task
//              (an empty language or task leaves the pipeline's default)
// Output line: the text, then per chunk TAB start TAB end TAB text; texts and floats escaped by \t -> \\t is not
//              needed: the tiny model's vocabulary has no tabs or newlines (suppressed), which the test checks.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using OpenVINO.GenAI;

namespace OpenVINO.GenAI.Tests
{
    public static class WhisperDriver
    {
        public static int Main(string[] args)
        {
            var properties = new List<KeyValuePair<string, string>>();
            for (int i = 1; i < args.Length; i++)
            {
                int eq = args[i].IndexOf('=');
                properties.Add(new KeyValuePair<string, string>(args[i].Substring(0, eq), args[i].Substring(eq + 1)));
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            using (var pipeline = new WhisperPipeline(args[0], "CPU", properties))
            {
                string line;
                while ((line = Console.In.ReadLine()) != null)
                {
                    string[] fields = line.Split('\t');
                    byte[] bytes = File.ReadAllBytes(fields[0]);
                    float[] speech = new float[bytes.Length / 4];
                    Buffer.BlockCopy(bytes, 0, speech, 0, speech.Length * 4);
                    var config = pipeline.GetGenerationConfig();
                    {
                        if (fields[1] == "1") config.ReturnTimestamps = true;
                        if (fields[2].Length > 0) config.Language = fields[2];
                        if (fields[3].Length > 0) config.Task = fields[3];
                        WhisperDecodedResults results = pipeline.Generate(speech, config);
                        var row = new StringBuilder(results.ToString());
                        foreach (WhisperDecodedResultChunk chunk in results.Chunks ?? new WhisperDecodedResultChunk[0])
                        {
                            row.Append('\t').Append(chunk.StartTs.TotalSeconds.ToString("R", CultureInfo.InvariantCulture))
                               .Append('\t').Append(chunk.EndTs.TotalSeconds.ToString("R", CultureInfo.InvariantCulture))
                               .Append('\t').Append(chunk.Text);
                        }
                        output.WriteLine(row.ToString());
                    }
                }
            }
            return 0;
        }
    }
}
