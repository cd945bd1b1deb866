// Command-line options shared by the samples: MODEL_DIR [DEVICE] [--max-new-tokens N] [--property KEY=VALUE]...
using System;
using System.Collections.Generic;

namespace OpenVINO.GenAI.Samples
{
    internal sealed class SampleOptions
    {
        public string ModelPath;
        public string Device = "CPU";
        public int MaxNewTokens = 100;
        public readonly List<KeyValuePair<string, string>> Properties = new List<KeyValuePair<string, string>>();
        public readonly List<string> Positional = new List<string>();

        public static SampleOptions Parse(string[] args, int positional, string usage)
        {
            var options = new SampleOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                if (arg == "--max-new-tokens" && i + 1 < args.Length)
                {
                    options.MaxNewTokens = int.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture);
                }
                else if (arg == "--property" && i + 1 < args.Length && args[i + 1].Contains("="))
                {
                    string[] pair = args[++i].Split(new[] { '=' }, 2);
                    options.Properties.Add(new KeyValuePair<string, string>(pair[0], pair[1]));
                }
                else if (arg == "--device" && i + 1 < args.Length)
                {
                    options.Device = args[++i];
                }
                else if (arg.StartsWith("--", StringComparison.Ordinal))
                {
                    throw new ArgumentException("unknown option " + arg + "\nusage: " + usage);
                }
                else
                {
                    options.Positional.Add(arg);
                }
            }
            if (options.Positional.Count < positional) throw new ArgumentException("usage: " + usage);
            options.ModelPath = options.Positional[0];
            return options;
        }
    }
}
