// Speech recognition with a local Whisper model through OpenVINO GenAI: transcribes a WAV file with
// timestamps and prints the text, then one line per chunk ("timestamps: [start, end] text: ...").
//   dotnet run -- MODEL_DIR WAV_FILE [DEVICE]
// MODEL_DIR is an OpenVINO Whisper model folder (e.g. exported with optimum-cli). The WAV file holds
// 16-bit integer or 32-bit float samples, any number of channels (averaged); another rate than 16 kHz
// is resampled linearly. Anything else is refused with a message saying what.
using System;
using System.Globalization;
using System.IO;
using System.Text;
using OpenVINO.GenAI;
using OpenVINO.Interop;

namespace GenAIWhisper
{
    public static class Program
    {
        private const string DefaultDevice = "CPU";
        private const int SampleRate = 16000;  // what Whisper models take

        public static int Main(string[] args)
        {
            if (args.Length < 2 || args.Length > 3)
            {
                Console.Error.WriteLine("usage: GenAIWhisper MODEL_DIR WAV_FILE [DEVICE]   (DEVICE defaults to " + DefaultDevice + ")");
                return 2;
            }
            string device = args.Length > 2 ? args[2] : DefaultDevice;
            float[] speech;
            try
            {
                int rate;
                speech = WavFile.Resample(WavFile.Read(args[1], out rate), rate, SampleRate);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            try
            {
                using (var pipeline = new WhisperPipeline(args[0], device))
                {
                    var config = pipeline.GetGenerationConfig();
                    config.Task = "transcribe";
                    config.ReturnTimestamps = true;
                    WhisperDecodedResults results = pipeline.Generate(speech, config);
                    output.WriteLine(results.ToString());
                    foreach (WhisperDecodedResultChunk chunk in results.Chunks ?? new WhisperDecodedResultChunk[0])
                    {
                        output.WriteLine(string.Format(CultureInfo.InvariantCulture, "timestamps: [{0:F2}, {1:F2}] text: {2}",
                                                       chunk.StartTs.TotalSeconds, chunk.EndTs.TotalSeconds, chunk.Text));
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
            catch (DllNotFoundException e)
            {
                Console.Error.WriteLine("error: " + e.Message);
                return 1;
            }
            return 0;
        }
    }
}
