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

        /// <summary>The running program's name (its assembly's), for usage lines: a sample's name, or the project's
        /// name when the sample is a `dotnet new` template's program.</summary>
        public static string ProgramName
        {
            get
            {
                var entry = System.Reflection.Assembly.GetEntryAssembly();
                return entry == null ? "program" : entry.GetName().Name;
            }
        }

        public static SampleOptions Parse(string[] args, int positional, string usage)
        {
            var options = new SampleOptions();
            for (int i = 0; i < args.Length; i++)
            {
                string arg = args[i];
                if (arg == "--max-new-tokens" && i + 1 < args.Length)
                {
                    int count;
                    if (!int.TryParse(args[++i], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out count))
                        throw new ArgumentException("--max-new-tokens takes a whole number, not " + args[i] + "\nusage: " + usage);
                    options.MaxNewTokens = count;
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
