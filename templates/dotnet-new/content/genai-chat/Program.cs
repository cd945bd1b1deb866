// A chat with a local LLM through OpenVINO GenAI: every reply is streamed as it is generated.
//   dotnet run -- MODEL_DIR [DEVICE]
// MODEL_DIR is an OpenVINO model folder (e.g. exported with optimum-cli) or a .gguf file.
// Type a question per line; an empty line is skipped, /exit or end of input quits.
using System;
using System.Text;
using OpenVINO.GenAI;
using OpenVINO.Interop;

namespace GenAIChat
{
    public static class Program
    {
        private const string DefaultDevice = "CPU";
        private const int MaxNewTokens = 256;

        public static int Main(string[] args)
        {
            if (args.Length < 1 || args.Length > 2)
            {
                Console.Error.WriteLine("usage: GenAIChat MODEL_DIR [DEVICE]   (DEVICE defaults to " + DefaultDevice + ")");
                return 2;
            }
            string device = args.Length > 1 ? args[1] : DefaultDevice;
            Console.OutputEncoding = new UTF8Encoding(false);
            try
            {
                using (var pipeline = new LLMPipeline(args[0], device))
                {
                    var config = new GenerationConfig();
                    config.MaxNewTokens = MaxNewTokens;
                    pipeline.StartChat();
                    while (true)
                    {
                        Console.Write("> ");
                        string question = Console.ReadLine();
                        if (question == null || question.Trim() == "/exit")
                        {
                            break;
                        }
                        if (question.Trim().Length == 0)
                        {
                            continue;
                        }
                        pipeline.Generate(question, config, chunk => Console.Write(chunk));
                        Console.WriteLine();
                    }
                    pipeline.FinishChat();
                }
            }
            catch (LibraryVersionException e)
            {
                // The installed OpenVINO GenAI is older than this program needs.
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
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
