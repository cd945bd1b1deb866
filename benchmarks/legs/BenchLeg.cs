// One leg of benchmarks/bench_real_pipelines.py in C# (Mono or CoreCLR): the protocol of bench_leg.c.
//   BenchLeg llm|vlm|whisper MODEL MAX_NEW_TOKENS [IMAGE.u8 H W | AUDIO.f32]
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using Ov = OpenVINO.Core;
using OpenVINO.GenAI;

internal static class BenchLeg
{
    private const string Prompt = "The Sky is blue because";

    // CPU time of all the process's threads.
    private static TimeSpan CpuTime()
    {
        using (var process = Process.GetCurrentProcess()) return process.TotalProcessorTime;
    }

    private static int Main(string[] args)
    {
        string kind = args[0], model = args[1];
        var properties = new[] { new KeyValuePair<string, string>("INFERENCE_PRECISION_HINT", "f32") };
        int chunks = 0;
        Func<string, StreamingStatus> onChunk = text => { chunks++; return StreamingStatus.Running; };
        LLMPipeline llm = null;
        VLMPipeline vlm = null;
        WhisperPipeline whisper = null;
        Ov.Tensor[] images = null;
        float[] audio = null;
        var config = new GenerationConfig();
        {
            config.MaxNewTokens = int.Parse(args[2], CultureInfo.InvariantCulture);
            if (kind == "llm")
            {
                llm = new LLMPipeline(model, "CPU", properties);
            }
            else if (kind == "vlm")
            {
                byte[] pixels = File.ReadAllBytes(args[3]);
                images = new[] { Ov.Tensor.FromArray(pixels, 1, long.Parse(args[4], CultureInfo.InvariantCulture),
                                                     long.Parse(args[5], CultureInfo.InvariantCulture), 3) };
                vlm = new VLMPipeline(model, "CPU", properties);
            }
            else
            {
                byte[] bytes = File.ReadAllBytes(args[3]);
                audio = new float[bytes.Length / 4];
                Buffer.BlockCopy(bytes, 0, audio, 0, audio.Length * 4);
                whisper = new WhisperPipeline(model, "CPU", properties);
            }
            string line;
            while ((line = Console.In.ReadLine()) != null && line.StartsWith("run", StringComparison.Ordinal))
            {
                PerfMetrics metrics;
                TimeSpan cpuStart = CpuTime();
                var watch = Stopwatch.StartNew();
                double seconds, cpu;
                if (llm != null)
                {
                    DecodedResults r = llm.Generate(Prompt, config, onChunk);
                    seconds = watch.Elapsed.TotalSeconds;
                    cpu = (CpuTime() - cpuStart).TotalSeconds;
                    metrics = r.PerfMetrics;
                }
                else if (vlm != null)
                {
                    VLMDecodedResults r = vlm.Generate(Prompt, images, config, onChunk);
                    seconds = watch.Elapsed.TotalSeconds;
                    cpu = (CpuTime() - cpuStart).TotalSeconds;
                    metrics = r.PerfMetrics;
                }
                else
                {
                    WhisperDecodedResults r = whisper.Generate(audio);
                    seconds = watch.Elapsed.TotalSeconds;
                    cpu = (CpuTime() - cpuStart).TotalSeconds;
                    metrics = r.PerfMetrics;
                }
                Console.Out.WriteLine(metrics.NumGeneratedTokens.ToString(CultureInfo.InvariantCulture) + " " +
                                      seconds.ToString("F9", CultureInfo.InvariantCulture) + " " +
                                      cpu.ToString("F6", CultureInfo.InvariantCulture));
                Console.Out.Flush();
            }
            if (llm != null) llm.Dispose();
            if (vlm != null) vlm.Dispose();
            if (whisper != null) whisper.Dispose();
            if (images != null) images[0].Dispose();
        }
        return 0;
    }
}
