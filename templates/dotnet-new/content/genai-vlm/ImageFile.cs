// Reads binary PPM (P6, 8-bit) and uncompressed BMP (24 or 32 bits per pixel) images into RGB bytes. Other
// formats (PNG, JPEG, ...) are refused with a message naming the format: .NET has no image decoder that
// runs on Mono and CoreCLR alike without a native dependency (System.Drawing needs libgdiplus on Mono
// and Windows on .NET 8), so convert them first (e.g. `python -c "from PIL import Image;
// Image.open('in.png').convert('RGB').save('out.ppm')"`) or add a decoder package here.
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
            byte[] pixels;
            if (data.Length >= 2 && data[0] == 'P' && data[1] == '6') pixels = ReadPpm(data, path, out height, out width);
            else if (data.Length >= 2 && data[0] == 'B' && data[1] == 'M') pixels = ReadBmp(data, path, out height, out width);
            else throw new InvalidDataException(path + ": " + Describe(data) + "; this program reads binary PPM (P6) and uncompressed " +
                                                "24 or 32-bit BMP images only (convert it to one of those first)");
            if (height == 0 || width == 0) throw new InvalidDataException(path + ": the image has no pixels (" + width + "x" + height + ")");
            return pixels;
        }

        private static string Describe(byte[] data)
        {
            string[,] signatures = { { "89504E47", "a PNG image" }, { "FFD8FF", "a JPEG image" }, { "47494638", "a GIF image" },
                                     { "49492A00", "a TIFF image" }, { "4D4D002A", "a TIFF image" }, { "5033", "an ASCII PPM (P3) image" },
                                     { "5035", "a greyscale PGM (P5) image" } };
            string head = BitConverter.ToString(data, 0, Math.Min(4, data.Length)).Replace("-", "");
            for (int i = 0; i < signatures.GetLength(0); i++)
            {
                if (head.StartsWith(signatures[i, 0], StringComparison.Ordinal)) return signatures[i, 1];
            }
            return "not a binary PPM (P6) or BMP image";
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
            if (width < 0 || height < 0) throw new InvalidDataException(path + ": PPM of " + width + "x" + height + " pixels");
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
            if (width < 0) throw new InvalidDataException(path + ": BMP of width " + width);
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
