// A chat kept in a ChatHistory, the C# port of upstream's Python sample chat_sample (and of
// python/samples/chat_sample.py): each line of standard input is a question; the answer is streamed as it
// is generated, then added to the history, so the next question sees the whole conversation (the library
// does not add it to a history it is given). Upstream's C sample, ported as ChatSample, keeps the chat in
// the pipeline instead (StartChat/FinishChat).
//   ChatHistorySample MODEL_DIR [DEVICE] [--property KEY=VALUE]...
using System;
using System.IO;
using System.Text;
using OpenVINO.GenAI;

namespace OpenVINO.GenAI.Samples
{
    public static class ChatHistorySample
    {
        public static int Main(string[] args)
        {
            SampleOptions options;
            try
            {
                options = SampleOptions.Parse(args, 1, "ChatHistorySample MODEL_DIR [DEVICE] [--property KEY=VALUE]...");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            string device = options.Positional.Count > 1 ? options.Positional[1] : "CPU";
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
            var input = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false));
            try
            {
                using (var pipe = new LLMPipeline(options.ModelPath, device, options.Properties))
                {
                    var history = new ChatHistory();  // a plain value: nothing to dispose
                    var config = new GenerationConfig { MaxNewTokens = 100 };
                    while (true)
                    {
                        output.Write("question:\n");
                        string question = input.ReadLine();
                        if (question == null) break;
                        history.Append("user", question);
                        DecodedResults results = pipe.Generate(history, config, chunk =>
                        {
                            output.Write(chunk);
                            return StreamingStatus.Running;
                        });
                        history.Append("assistant", results.Texts[0]);
                        output.Write("\n----------\n");
                    }
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
