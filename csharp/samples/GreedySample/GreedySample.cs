// Greedy text generation for one prompt, as the upstream C sample greedy_causal_lm_c does; prints
// the generated text only (with --stream, chunk by chunk as it is generated).
//   GreedySample MODEL_DIR PROMPT [--device CPU] [--max-new-tokens 100] [--property KEY=VALUE]... [--stream]
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using OpenVINO.GenAI;

namespace OpenVINO.GenAI.Samples
{
    public static class GreedySample
    {
        public static int Main(string[] args)
        {
            bool stream = args.Contains("--stream");
            SampleOptions options;
            try
            {
                options = SampleOptions.Parse(args.Where(a => a != "--stream").ToArray(), 2,
                    "GreedySample MODEL_DIR PROMPT [--device CPU] [--max-new-tokens N] [--property KEY=VALUE]... [--stream]");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            try
            {
                using (var pipeline = new LLMPipeline(options.ModelPath, options.Device, options.Properties))
                {
                    var config = new GenerationConfig();
                    config.MaxNewTokens = options.MaxNewTokens;
                    if (stream)
                    {
                        foreach (string chunk in pipeline.Stream(options.Positional[1], config)) output.Write(chunk);
                    }
                    else
                    {
                        DecodedResults results = pipeline.Generate(options.Positional[1], config);
                        output.Write(results.ToString());
                    }
                    output.WriteLine();
                }
            }
            catch (GenAIException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
            catch (DllNotFoundException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
            return 0;
        }
    }
}
