// Prompt lookup decoding, the C# port of upstream's Python sample prompt_lookup_decoding_lm (and of
// python/samples/prompt_lookup_decoding_lm.py): the pipeline is made with prompt_lookup on; each step
// proposes up to 5 tokens copied from n-grams (3 at most) of the prompt; the answer is streamed.
//   PromptLookupDecodingLM MODEL_DIR PROMPT [--property KEY=VALUE]...
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using OpenVINO.GenAI;

namespace OpenVINO.GenAI.Samples
{
    public static class PromptLookupDecodingLM
    {
        public static int Main(string[] args)
        {
            SampleOptions options;
            try
            {
                options = SampleOptions.Parse(args, 2, "PromptLookupDecodingLM MODEL_DIR PROMPT [--property KEY=VALUE]...");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            try
            {
                var properties = new List<KeyValuePair<string, string>>(options.Properties);
                properties.Add(new KeyValuePair<string, string>("prompt_lookup", "YES"));  // OpenVINO's spelling of true
                using (var pipe = new LLMPipeline(options.ModelPath, "CPU", properties))
                {
                    var config = new GenerationConfig
                    {
                        MaxNewTokens = 100,
                        NumAssistantTokens = 5,  // candidates proposed per step
                        MaxNgramSize = 3,        // longest n-gram looked up in the prompt
                    };
                    pipe.Generate(options.Positional[1], config, chunk =>
                    {
                        output.Write(chunk);
                        return StreamingStatus.Running;
                    });
                    output.WriteLine();
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
