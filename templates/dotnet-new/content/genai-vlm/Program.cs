// A chat about an image with a local visual language model through OpenVINO GenAI: questions from
// standard input, one per line; the image (or every image in a folder) goes with the first question;
// each answer is streamed; the chat is kept in a ChatHistory.
//   dotnet run -- MODEL_DIR IMAGE_OR_FOLDER [DEVICE]
// MODEL_DIR is an OpenVINO VLM model folder (e.g. Qwen2-VL exported with optimum-cli). Images: binary
// PPM (P6) and uncompressed BMP (24/32 bits); other files are refused with a message (ImageFile.cs is
// where to add a decoder). The images go to the pipeline as OpenVINO.Core tensors (u8, [1, H, W, 3]).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Ov = OpenVINO.Core;
using OpenVINO.GenAI;
using OpenVINO.Interop;

namespace GenAIVisualChat
{
    public static class Program
    {
        private const string DefaultDevice = "CPU";
        private const int MaxNewTokens = 100;

        public static int Main(string[] args)
        {
            if (args.Length < 2 || args.Length > 3)
            {
                Console.Error.WriteLine("usage: GenAIVisualChat MODEL_DIR IMAGE_OR_FOLDER [DEVICE]   (DEVICE defaults to " + DefaultDevice + ")");
                return 2;
            }
            string device = args.Length > 2 ? args[2] : DefaultDevice;
            var tensors = new List<Ov.Tensor>();
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            try
            {
                try
                {
                    string[] files = Directory.Exists(args[1]) ? Directory.GetFiles(args[1]).OrderBy(f => f, StringComparer.Ordinal).ToArray()
                                                               : new[] { args[1] };
                    foreach (string file in files)
                    {
                        int height, width;
                        byte[] pixels = ImageFile.Read(file, out height, out width);
                        tensors.Add(Ov.Tensor.FromArray(pixels, 1, height, width, 3));
                    }
                }
                catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException || e is FormatException)
                {
                    Console.Error.WriteLine("error: " + e.Message);
                    return 1;
                }
                var config = new GenerationConfig();
                using (var pipeline = new VLMPipeline(args[0], device))
                {
                    var history = new ChatHistory();  // a plain value: nothing to dispose
                    config.MaxNewTokens = MaxNewTokens;
                    Ov.Tensor[] images = tensors.ToArray();
                    bool first = true;
                    output.Write("question:\n");
                    string prompt;
                    while ((prompt = Console.In.ReadLine()) != null)
                    {
                        if (prompt.Length == 0)
                        {
                            output.Write("question:\n");
                            continue;
                        }
                        history.Append("user", prompt);
                        VLMDecodedResults results = pipeline.Generate(history, first ? images : new Ov.Tensor[0], config,
                                                                                 chunk => output.Write(chunk));
                        string answer = results.ToString();
                        history.Append("assistant", answer);
                        first = false;
                        output.Write("\n----------\nquestion:\n");
                    }
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
            catch (Ov.OpenVINOException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
            catch (DllNotFoundException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
            finally
            {
                foreach (var tensor in tensors) tensor.Dispose();
            }
            return 0;
        }
    }
}
