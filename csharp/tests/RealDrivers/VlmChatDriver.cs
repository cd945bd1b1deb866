// Test driver (tests/test_results_real.py): a chat about one image through ChatSession on a VLMPipeline, for
// comparison with the official openvino_genai package's chat loop (upstream's visual_language_chat: the image
// with the first turn, each answer appended to the history).
//   VlmChatDriver MODEL_DIR PIXELS_FILE DIMS MAX_NEW_TOKENS SYSTEM_MESSAGE [KEY=VALUE]...
// PIXELS_FILE holds raw uint8 pixels of shape DIMS ("1,H,W,3"); the turns' questions come one per line on stdin.
// Output: one line per turn, the answer.
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using Ov = OpenVINO.Core;
using OpenVINO.GenAI;
using OpenVINO.Interop;

namespace OpenVINO.GenAI.Tests
{
    public static class VlmChatDriver
    {
        public static int Main(string[] args)
        {
            var properties = new List<KeyValuePair<string, string>>();
            for (int i = 5; i < args.Length; i++)
            {
                int eq = args[i].IndexOf('=');
                properties.Add(new KeyValuePair<string, string>(args[i].Substring(0, eq), args[i].Substring(eq + 1)));
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            long[] dims = args[2].Split(',').Select(long.Parse).ToArray();
            using (var image = Ov.Tensor.FromArray(File.ReadAllBytes(args[1]), dims))
            using (var pipeline = new VLMPipeline(args[0], "CPU", properties))
            {
                var config = new GenerationConfig { MaxNewTokens = int.Parse(args[3]) };
                var session = new ChatSession(pipeline, args[4]);
                string question;
                bool first = true;
                while ((question = Console.In.ReadLine()) != null)
                {
                    NativeObject[] images = first ? new NativeObject[] { image } : null;
                    first = false;
                    output.WriteLine(session.Ask(question, images, config).ToString());
                }
            }
            return 0;
        }
    }
}
