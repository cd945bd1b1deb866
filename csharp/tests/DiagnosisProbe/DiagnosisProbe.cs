// Test program (tests/test_diagnosis_csharp.py): failures the GenAI library reports without text, as the
// C# binding describes them. Reads one case per line from stdin (fields separated by tabs) and prints
// "label<TAB>result" per case, result being "OK" or "ExceptionType<TAB>StatusName<TAB>Message":
//   create  label  llm|vlm|whisper  path  device  [KEY=VALUE;KEY=VALUE]
//   busy    label  model-path       (a second Generate while another thread's Generate holds the pipeline)
//   gen     label  model-path       (an LLMPipeline created from the path, then one Generate)
using System;
using System.Collections.Generic;
using System.Threading;
using OpenVINO.GenAI;
using OpenVINO.Interop;

public static class DiagnosisProbe
{
    public static int Main()
    {
        string line;
        while ((line = Console.ReadLine()) != null)
        {
            if (line.Trim().Length == 0) continue;
            string[] f = line.Split('\t');
            string label = f[1];
            try
            {
                if (f[0] == "create") Create(f[2], f[3], f[4], f.Length > 5 ? f[5] : "");
                else if (f[0] == "busy") Busy(f[2]);
                else if (f[0] == "gen") Generate(f[2]);
                else throw new ArgumentException("unknown case " + f[0]);
                Console.WriteLine(label + "\tOK");
            }
            catch (NativeCallException e)
            {
                Console.WriteLine(label + "\t" + e.GetType().Name + "\t" + e.StatusName + "\t" + e.Message);
            }
            catch (ArgumentException e)
            {
                Console.WriteLine(label + "\t" + e.GetType().Name + "\t\t" + e.Message.Split('\n')[0].Split('\r')[0]);
            }
        }
        return 0;
    }

    private static List<KeyValuePair<string, string>> Properties(string text)
    {
        var list = new List<KeyValuePair<string, string>>();
        foreach (string pair in text.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=');
            list.Add(new KeyValuePair<string, string>(pair.Substring(0, eq), pair.Substring(eq + 1)));
        }
        return list;
    }

    private static void Create(string kind, string path, string device, string properties)
    {
        var props = Properties(properties);
        if (kind == "llm") new LLMPipeline(path, device, props).Dispose();
        else if (kind == "vlm") new VLMPipeline(path, device, props).Dispose();
        else new WhisperPipeline(path, device, props).Dispose();
    }

    private static void Generate(string path)
    {
        using (var pipe = new LLMPipeline(path, "CPU"))
        {
            var config = new GenerationConfig();
            config.MaxNewTokens = 4;
            pipe.Generate("Hi", config);
        }
    }

    private static void Busy(string path)
    {
        using (var pipe = new LLMPipeline(path, "CPU"))
        {
            var config = new GenerationConfig();
            config.MaxNewTokens = 20;
            var started = new ManualResetEventSlim();
            var release = new ManualResetEventSlim();
            var holder = new Thread(() => pipe.Generate("Hello", config, (Action<string>)(chunk =>
            {
                started.Set();
                release.Wait(30000);
            })));
            holder.Name = "holder";
            holder.Start();
            try
            {
                if (!started.Wait(30000)) throw new TimeoutException("the first generation did not start");
                pipe.Generate("Hi", config);
            }
            finally
            {
                release.Set();
                holder.Join();
            }
        }
    }
}
