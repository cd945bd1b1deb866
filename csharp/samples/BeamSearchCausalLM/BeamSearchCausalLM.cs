// Diverse beam search over one or more prompts, the C# port of upstream's Python sample
// beam_search_causal_lm (and of python/samples/beam_search_causal_lm.py): 15 beams in 3 groups, a
// diversity penalty of 1, every beam returned (20 new tokens at most), printed as `score: text` lines.
// Upstream passes all prompts to one generate (a batch); the C API takes one prompt per call, so the port
// generates each in turn: a batch's results are those of one call per prompt, in order (measured on the
// official package), and so are the printed lines.
//   BeamSearchCausalLM MODEL_DIR PROMPT [PROMPT...] [--property KEY=VALUE]...
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using OpenVINO.GenAI;

namespace OpenVINO.GenAI.Samples
{
    public static class BeamSearchCausalLM
    {
        public static int Main(string[] args)
        {
            SampleOptions options;
            try
            {
                options = SampleOptions.Parse(args, 2, "BeamSearchCausalLM MODEL_DIR PROMPT [PROMPT...] [--property KEY=VALUE]...");
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
                    var config = new GenerationConfig
                    {
                        MaxNewTokens = 20,
                        NumBeams = 15,
                        NumBeamGroups = 3,
                        DiversityPenalty = 1.0f,
                    };
                    config.NumReturnSequences = config.NumBeams;  // all of them
                    var lines = new List<string>();
                    for (int i = 1; i < options.Positional.Count; i++)
                    {
                        lines.Add(pipe.Generate(options.Positional[i], config).ToString());
                    }
                    output.WriteLine(string.Join("\n", lines));
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
