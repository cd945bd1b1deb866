// A chat about an image with a local visual language model, as upstream's C sample visual_language_chat
// does: questions from standard input, one per line; the image (or every image in a folder) goes with the
// first question; each answer is streamed; the chat is kept in a ChatHistory.
//   VisualLanguageChat MODEL_DIR IMAGE_OR_FOLDER [DEVICE] [--property KEY=VALUE]...
//   (made with `dotnet new genai-vlm`: dotnet run -- MODEL_DIR IMAGE_OR_FOLDER [DEVICE] [--property KEY=VALUE]...)
// MODEL_DIR is an OpenVINO VLM model folder (e.g. Qwen2-VL exported with optimum-cli). Images: binary PPM
// (P6) and uncompressed BMP (24/32 bits); other files (PNG, JPEG, ...) are refused with a message naming
// their format (ImageFile.cs says why there is no decoder here, and is where to add one). The images go to
// the pipeline as OpenVINO.Core tensors (u8, [1, H, W, 3]).
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Ov = OpenVINO.Core;
using OpenVINO.GenAI;
using OpenVINO.Interop;

namespace OpenVINO.GenAI.Samples
{
    public static class VisualLanguageChat
    {
        public static int Main(string[] args)
        {
            SampleOptions options;
            try
            {
                options = SampleOptions.Parse(args, 2, SampleOptions.ProgramName + " MODEL_DIR IMAGE_OR_FOLDER [DEVICE] [--property KEY=VALUE]...");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            if (options.Positional.Count > 2) options.Device = options.Positional[2];
            string source = options.Positional[1];
            var tensors = new List<Ov.Tensor>();
            try
            {
                string[] files = Directory.Exists(source) ? Directory.GetFiles(source).OrderBy(f => f, StringComparer.Ordinal).ToArray()
                                                          : new[] { source };
                foreach (string file in files)
                {
                    int height, width;
                    byte[] pixels = ImageFile.Read(file, out height, out width);
                    tensors.Add(Ov.Tensor.FromArray(pixels, 1, height, width, 3));
                }
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException || e is FormatException)
            {
                Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            try
            {
                Ov.Tensor[] images = tensors.ToArray();  // OpenVINO.Core tensors go in as they are
                var config = new GenerationConfig();
                using (var pipeline = new VLMPipeline(options.ModelPath, options.Device, options.Properties))
                {
                    var history = new ChatHistory();  // a plain value: nothing to dispose
                    config.MaxNewTokens = 100;
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
                Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
            catch (GenAIException e)
            {
                Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
            catch (Ov.OpenVINOException e)
            {
                Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
            catch (DllNotFoundException e)
            {
                Console.Error.WriteLine("Error: " + e.Message);
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
