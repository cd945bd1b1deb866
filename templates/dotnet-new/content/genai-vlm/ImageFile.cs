// Reads binary PPM (P6, 8-bit) and uncompressed BMP (24 or 32 bits per pixel) images into RGB bytes.
using System;
using System.IO;
using System.Text;

namespace GenAIVisualChat
{
    internal static class ImageFile
    {
        /// <summary>HxWx3 RGB bytes, row by row from the top; InvalidDataException says what is wrong.</summary>
        public static byte[] Read(string path, out int height, out int width)
        {
            byte[] data = File.ReadAllBytes(path);
            if (data.Length >= 2 && data[0] == 'P' && data[1] == '6') return ReadPpm(data, path, out height, out width);
            if (data.Length >= 2 && data[0] == 'B' && data[1] == 'M') return ReadBmp(data, path, out height, out width);
            throw new InvalidDataException(path + ": not a binary PPM (P6) or BMP image; this sample reads no other format");
        }

        private static byte[] ReadPpm(byte[] data, string path, out int height, out int width)
        {
            var fields = new int[3];
            int position = 2;
            for (int f = 0; f < 3; f++)
            {
                while (position < data.Length && (char.IsWhiteSpace((char)data[position]) || data[position] == '#'))
                {
                    if (data[position] == '#') { while (position < data.Length && data[position] != '\n') position++; }
                    else position++;
                }
                int end = position;
                while (end < data.Length && !char.IsWhiteSpace((char)data[end])) end++;
                fields[f] = int.Parse(Encoding.ASCII.GetString(data, position, end - position), System.Globalization.CultureInfo.InvariantCulture);
                position = end;
            }
            width = fields[0];
            height = fields[1];
            if (fields[2] != 255) throw new InvalidDataException(path + ": PPM with maximum value " + fields[2] + " (only 255 is read)");
            int size = width * height * 3;
            if (data.Length < position + 1 + size) throw new InvalidDataException(path + ": PPM data is shorter than " + width + "x" + height + " pixels");
            var pixels = new byte[size];
            Buffer.BlockCopy(data, position + 1, pixels, 0, size);
            return pixels;
        }

        private static byte[] ReadBmp(byte[] data, string path, out int height, out int width)
        {
            if (data.Length < 54) throw new InvalidDataException(path + ": BMP header too short");
            int offset = BitConverter.ToInt32(data, 10);
            width = BitConverter.ToInt32(data, 18);
            int rawHeight = BitConverter.ToInt32(data, 22);
            int bits = BitConverter.ToUInt16(data, 28);
            uint compression = BitConverter.ToUInt32(data, 30);
            if ((bits != 24 && bits != 32) || (compression != 0 && compression != 3))
                throw new InvalidDataException(path + ": BMP with " + bits + " bits per pixel, compression " + compression +
                                               " (only uncompressed 24 or 32 bits are read)");
            int channels = bits / 8;
            int stride = (width * channels + 3) & ~3;
            height = Math.Abs(rawHeight);
            if (data.Length < offset + (long)stride * height)
                throw new InvalidDataException(path + ": BMP data is shorter than " + width + "x" + height + " pixels");
            var pixels = new byte[width * height * 3];
            for (int y = 0; y < height; y++)
            {
                int row = offset + (rawHeight < 0 ? y : height - 1 - y) * stride;  // positive height: bottom-up rows
                for (int x = 0; x < width; x++)
                {
                    int from = row + x * channels, to = (y * width + x) * 3;
                    pixels[to] = data[from + 2];
                    pixels[to + 1] = data[from + 1];
                    pixels[to + 2] = data[from];
                }
            }
            return pixels;
        }
    }
}
