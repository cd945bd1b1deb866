// Multi-turn chat with streaming, as the upstream C sample chat_sample_c does: questions are read
// from standard input, one per line; each answer is streamed as it is generated.
//   ChatSample MODEL_DIR [--device CPU] [--max-new-tokens 100] [--property KEY=VALUE]...
using System;
using System.IO;
using System.Text;
using OpenVINO.GenAI;

namespace OpenVINO.GenAI.Samples
{
    public static class ChatSample
    {
        public static int Main(string[] args)
        {
            SampleOptions options;
            try
            {
                options = SampleOptions.Parse(args, 1, "ChatSample MODEL_DIR [--device CPU] [--max-new-tokens N] [--property KEY=VALUE]...");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            try
            {
                using (var pipeline = new LLMPipeline(options.ModelPath, options.Device, options.Properties))
                {
                    var config = new GenerationConfig();
                    config.MaxNewTokens = options.MaxNewTokens;
                    pipeline.StartChat();
                    while (true)
                    {
                        output.WriteLine("question:");
                        string prompt = input.ReadLine();
                        if (prompt == null) break;
                        if (Console.IsInputRedirected) output.WriteLine(prompt);  // show piped questions
                        pipeline.Generate(prompt, config, chunk => output.Write(chunk));
                        output.WriteLine();
                        output.WriteLine("----------");
                    }
                    pipeline.FinishChat();
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
