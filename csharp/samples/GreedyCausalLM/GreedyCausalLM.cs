// Greedy generation for one prompt, the C# port of upstream's Python sample greedy_causal_lm (and of
// python/samples/greedy_causal_lm.py): at most 100 new tokens, the answer printed whole.
//   GreedyCausalLM MODEL_DIR PROMPT [--property KEY=VALUE]...
// --property (ours) passes pipeline properties such as INFERENCE_PRECISION_HINT=f32.
using System;
using System.IO;
using System.Text;
using OpenVINO.GenAI;

namespace OpenVINO.GenAI.Samples
{
    public static class GreedyCausalLM
    {
        public static int Main(string[] args)
        {
            SampleOptions options;
            try
            {
                options = SampleOptions.Parse(args, 2, "GreedyCausalLM MODEL_DIR PROMPT [--property KEY=VALUE]...");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            try
            {
                using (var pipe = new LLMPipeline(options.ModelPath, "CPU", options.Properties))
                {
                    var config = new GenerationConfig { MaxNewTokens = 100 };
                    // ToString() of the results is upstream's str(): the answer alone when there is one.
                    output.WriteLine(pipe.Generate(options.Positional[1], config));
                }
            }
            catch (GenAIException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
            return 0;
        }
    }
}
