using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Reads which libraries an ELF shared library needs (its DT_NEEDED entries): the GenAI libraries have no
    /// RUNPATH, so <see cref="LibraryLoader"/> loads those found in an install by full path first; and
    /// <see cref="Linkage"/> tells which copy of a library a loaded one is bound to.
    /// </summary>
    public static class ElfFile
    {
        /// <summary>The DT_NEEDED entries of a 64-bit little-endian ELF file (empty for anything else).</summary>
        public static IList<string> Needed(string path)
        {
            return NeededOrNull(path) ?? new List<string>();
        }

        /// <summary>
        /// The DT_NEEDED entries of a 64-bit little-endian ELF file, or null when <paramref name="path"/> cannot be read
        /// as one (so "needs nothing" and "cannot tell" differ).
        /// </summary>
        public static IList<string> NeededOrNull(string path)
        {
            var names = new List<string>();
            try
            {
                using (var stream = File.OpenRead(path))
                using (var reader = new BinaryReader(stream))
                {
                    byte[] ident = reader.ReadBytes(16);
                    if (ident.Length < 16 || ident[0] != 0x7f || ident[1] != (byte)'E' || ident[2] != (byte)'L' || ident[3] != (byte)'F'
                        || ident[4] != 2 || ident[5] != 1)
                    {
                        return null;
                    }
                    stream.Position = 0x20;
                    long programHeaders = reader.ReadInt64();
                    stream.Position = 0x36;
                    int entrySize = reader.ReadUInt16();
                    int entries = reader.ReadUInt16();
                    var loads = new List<long[]>();  // {vaddr, offset, filesz}
                    long dynamicOffset = -1, dynamicSize = 0;
                    for (int i = 0; i < entries; i++)
                    {
                        stream.Position = programHeaders + (long)i * entrySize;
                        uint type = reader.ReadUInt32();
                        reader.ReadUInt32();
                        long offset = reader.ReadInt64(), vaddr = reader.ReadInt64();
                        reader.ReadInt64();
                        long fileSize = reader.ReadInt64();
                        if (type == 1) loads.Add(new[] { vaddr, offset, fileSize });
                        if (type == 2)
                        {
                            dynamicOffset = offset;
                            dynamicSize = fileSize;
                        }
                    }
                    if (dynamicOffset < 0) return names;
                    var needed = new List<long>();
                    long stringTable = -1;
                    for (long at = dynamicOffset; at + 16 <= dynamicOffset + dynamicSize; at += 16)
                    {
                        stream.Position = at;
                        long tag = reader.ReadInt64(), value = reader.ReadInt64();
                        if (tag == 0) break;
                        if (tag == 1) needed.Add(value);
                        if (tag == 5) stringTable = value;
                    }
                    if (needed.Count == 0) return names;
                    long[] segment = loads.FirstOrDefault(l => stringTable >= l[0] && stringTable < l[0] + l[2]);
                    if (segment == null) return null;
                    long tableOffset = stringTable - segment[0] + segment[1];
                    foreach (long index in needed)
                    {
                        stream.Position = tableOffset + index;
                        var bytes = new List<byte>();
                        int b;
                        while ((b = stream.ReadByte()) > 0) bytes.Add((byte)b);
                        names.Add(System.Text.Encoding.UTF8.GetString(bytes.ToArray()));
                    }
                }
            }
            catch (IOException)
            {
                return null;
            }
            catch (UnauthorizedAccessException)
            {
                return null;
            }
            return names;
        }
    }
}
