// Speech recognition with a local Whisper model, as upstream's C sample whisper_speech_recognition_c does:
// transcribes a WAV file with timestamps and prints the text, then one line per chunk
// ("timestamps: [start, end] text: ...").
//   WhisperSpeechRecognition MODEL_DIR WAV_FILE [DEVICE] [--property KEY=VALUE]...
//   (made with `dotnet new genai-whisper`: dotnet run -- MODEL_DIR WAV_FILE [DEVICE] [--property KEY=VALUE]...)
// MODEL_DIR is an OpenVINO Whisper model folder (e.g. exported with optimum-cli). The WAV file holds 16-bit
// integer or 32-bit float samples, any number of channels (averaged); another rate than 16 kHz is resampled
// linearly. Anything else is refused with a message saying what.
using System;
using System.Globalization;
using System.IO;
using System.Text;
using OpenVINO.GenAI;
using OpenVINO.Interop;

namespace OpenVINO.GenAI.Samples
{
    public static class WhisperSpeechRecognition
    {
        public static int Main(string[] args)
        {
            SampleOptions options;
            try
            {
                options = SampleOptions.Parse(args, 2, SampleOptions.ProgramName + " MODEL_DIR WAV_FILE [DEVICE] [--property KEY=VALUE]...");
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
            if (options.Positional.Count > 2) options.Device = options.Positional[2];
            float[] speech;
            try
            {
                int rate;
                speech = WavFile.Resample(WavFile.Read(options.Positional[1], out rate), rate, 16000);
            }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
            var output = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = true };
            try
            {
                using (var pipeline = new WhisperPipeline(options.ModelPath, options.Device, options.Properties))
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
                Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
            catch (GenAIException e)
            {
                Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
            catch (DllNotFoundException e)
            {
                Console.Error.WriteLine("Error: " + e.Message);
                return 1;
            }
            return 0;
        }
    }
}
