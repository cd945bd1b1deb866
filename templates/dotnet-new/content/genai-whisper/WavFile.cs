// Reads a RIFF/WAVE file into mono float samples (16-bit integer PCM or 32-bit float; channels averaged).
using System;
using System.IO;
using System.Text;

namespace GenAIWhisper
{
    internal static class WavFile
    {
        private const int Pcm = 1, IeeeFloat = 3, Extensible = 0xFFFE;

        /// <summary>Mono samples in [-1, 1] and the file's sample rate; InvalidDataException says what is wrong.</summary>
        public static float[] Read(string path, out int sampleRate)
        {
            byte[] data = File.ReadAllBytes(path);
            if (data.Length < 12 || Encoding.ASCII.GetString(data, 0, 4) != "RIFF" || Encoding.ASCII.GetString(data, 8, 4) != "WAVE")
                throw new InvalidDataException(path + ": not a RIFF/WAVE file");
            int format = -1, channels = 0, bits = 0, dataOffset = -1, dataSize = 0;
            sampleRate = 0;
            int offset = 12;
            while (offset + 8 <= data.Length)
            {
                string id = Encoding.ASCII.GetString(data, offset, 4);
                int size = (int)Math.Min(BitConverter.ToUInt32(data, offset + 4), (uint)(data.Length - offset - 8));
                int body = offset + 8;
                if (id == "fmt ")
                {
                    if (size < 16) throw new InvalidDataException(path + ": 'fmt ' chunk too short");
                    format = BitConverter.ToUInt16(data, body);
                    channels = BitConverter.ToUInt16(data, body + 2);
                    sampleRate = (int)BitConverter.ToUInt32(data, body + 4);
                    bits = BitConverter.ToUInt16(data, body + 14);
                    if (format == Extensible && size >= 26) format = BitConverter.ToUInt16(data, body + 24);
                }
                else if (id == "data")
                {
                    dataOffset = body;
                    dataSize = size;
                }
                offset = body + size + (size & 1);
            }
            if (format < 0 || dataOffset < 0)
                throw new InvalidDataException(path + ": no " + (format < 0 ? "'fmt '" : "'data'") + " chunk");
            if (channels < 1) throw new InvalidDataException(path + ": " + channels + " channels");
            bool int16 = format == Pcm && bits == 16, float32 = format == IeeeFloat && bits == 32;
            if (!int16 && !float32)
                throw new InvalidDataException(path + ": " + bits + "-bit samples of format " + format +
                                               " are not supported (16-bit integer PCM or 32-bit float only)");
            int width = bits / 8;
            int frames = dataSize / (width * channels);
            var mono = new float[frames];
            for (int f = 0; f < frames; f++)
            {
                double sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    int at = dataOffset + (f * channels + c) * width;
                    sum += int16 ? BitConverter.ToInt16(data, at) / 32768.0 : BitConverter.ToSingle(data, at);
                }
                mono[f] = (float)(sum / channels);
            }
            return mono;
        }

        /// <summary>Linear interpolation to <paramref name="target"/> samples per second.</summary>
        public static float[] Resample(float[] samples, int rate, int target)
        {
            if (rate == target || samples.Length == 0) return samples;
            double ratio = (double)rate / target;
            var output = new float[(int)(samples.Length / ratio)];
            for (int i = 0; i < output.Length; i++)
            {
                double position = i * ratio;
                int index = (int)position;
                double fraction = position - index;
                double following = index + 1 < samples.Length ? samples[index + 1] : samples[index];
                output[i] = (float)(samples[index] * (1 - fraction) + following * fraction);
            }
            return output;
        }
    }
}
