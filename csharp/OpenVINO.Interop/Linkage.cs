using System;
using System.IO;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Which copy of a library a loaded library uses (Linux). A process can hold several files of one library: the
    /// GenAI C library's own libopenvino_genai and another one some other component loaded, say. What a library does
    /// (where the GenAI library looks for the tokenizers library, for one) depends on the copy the C library is bound
    /// to, never on whichever copy happens to be in the process. That copy is found as the dynamic loader found it:
    /// the library's DT_NEEDED entries (<see cref="ElfFile"/>), each resolved by asking the loader for the object it
    /// holds under that name (<c>dlopen(name, RTLD_NOLOAD)</c>: the first loaded object with that name or soname, as
    /// when the library's dependencies were bound) and where it was loaded from (<c>dlinfo</c>). The same as the
    /// Python runtime's linkage module.
    /// </summary>
    public static class Linkage
    {
        /// <summary>
        /// The file of the object the process holds under <paramref name="name"/> (a path, a file name or a soname,
        /// matched as the dynamic loader matches a dependency), without loading anything; null when none is loaded
        /// (or on Windows).
        /// </summary>
        public static string LoadedFile(string name)
        {
            if (Dl.IsWindows || string.IsNullOrEmpty(name)) return null;
            IntPtr handle = Dl.Open(name, Dl.Lazy | Dl.NoLoad);
            if (handle == IntPtr.Zero) return null;
            try
            {
                return Dl.LoadedName(handle);
            }
            finally
            {
                Dl.Close(handle);  // the lookup took a reference
            }
        }

        /// <summary>
        /// Whether it can be told which file of the library <paramref name="stem"/> (lib&lt;stem&gt;.so[.N]) the loaded
        /// library <paramref name="library"/> (the path or name it was loaded by) is bound to; if so,
        /// <paramref name="bound"/> is that file with symlinks resolved, or null when the library does not need one.
        /// </summary>
        public static bool TryDependency(string library, string stem, out string bound)
        {
            bound = null;
            string own = LoadedFile(library);
            if (own == null) return false;
            var needed = ElfFile.NeededOrNull(own);
            if (needed == null) return false;
            string plain = "lib" + stem + ".so";
            foreach (string name in needed)
            {
                string file = Path.GetFileName(name);
                if (file != plain && !file.StartsWith(plain + ".", StringComparison.Ordinal)) continue;
                string loaded = LoadedFile(name);
                if (loaded == null) return false;
                bound = Dl.RealPath(loaded) ?? loaded;
                return true;
            }
            return true;
        }
    }
}
