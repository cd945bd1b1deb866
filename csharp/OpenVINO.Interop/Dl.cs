using System;
using System.IO;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Opens libraries and finds their symbols: dlopen/dlsym/dlerror (in libdl.so.2 on glibc, in the C library on
    /// macOS and musl), LoadLibrary/GetProcAddress on Windows. For the loader, the version probe and
    /// <see cref="Linkage"/> only.
    /// </summary>
    internal static class Dl
    {
        public const int Lazy = 1;
        public const int Now = 2;

        // Linux (glibc and musl): look up an object already loaded, load nothing; dlinfo's request for the link map.
        public const int NoLoad = 4;
        private const int LinkMapRequest = 2;

        private static bool useLibc;

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        private static extern IntPtr OpenLibdl(byte[] file, int mode);

        [DllImport("libdl.so.2", EntryPoint = "dlsym")]
        private static extern IntPtr SymbolLibdl(IntPtr handle, string symbol);

        [DllImport("libdl.so.2", EntryPoint = "dlerror")]
        private static extern IntPtr ErrorLibdl();

        [DllImport("libdl.so.2", EntryPoint = "dlclose")]
        private static extern int CloseLibdl(IntPtr handle);

        [DllImport("libdl.so.2", EntryPoint = "dlinfo")]
        private static extern int InfoLibdl(IntPtr handle, int request, out IntPtr info);

        [DllImport("libc", EntryPoint = "dlclose")]
        private static extern int CloseLibc(IntPtr handle);

        [DllImport("libc", EntryPoint = "dlinfo")]
        private static extern int InfoLibc(IntPtr handle, int request, out IntPtr info);

        [DllImport("libc.so.6", EntryPoint = "realpath")]
        private static extern IntPtr RealPathGlibc(byte[] path, IntPtr resolved);

        [DllImport("libc.so.6", EntryPoint = "free")]
        private static extern void FreeGlibc(IntPtr block);

        [DllImport("libc", EntryPoint = "realpath")]
        private static extern IntPtr RealPathLibc(byte[] path, IntPtr resolved);

        [DllImport("libc", EntryPoint = "free")]
        private static extern void FreeLibc(IntPtr block);

        private static bool realPathInLibc;

        [DllImport("libc", EntryPoint = "dlopen")]
        private static extern IntPtr OpenLibc(byte[] file, int mode);

        [DllImport("libc", EntryPoint = "dlsym")]
        private static extern IntPtr SymbolLibc(IntPtr handle, string symbol);

        [DllImport("libc", EntryPoint = "dlerror")]
        private static extern IntPtr ErrorLibc();

        [DllImport("kernel32", EntryPoint = "LoadLibraryW", CharSet = CharSet.Unicode, SetLastError = true)]
        private static extern IntPtr LoadLibraryW(string path);

        [DllImport("kernel32", EntryPoint = "GetProcAddress", CharSet = CharSet.Ansi, ExactSpelling = true)]
        private static extern IntPtr GetProcAddress(IntPtr handle, string name);

        internal static bool IsWindows
        {
            get { return Path.DirectorySeparatorChar == '\\'; }
        }

        public static IntPtr Open(string file, int mode)
        {
            string ignored;
            return Open(file, mode, out ignored);
        }

        // dlerror is read in the method that called dlopen: Mono binds both before either runs. CoreCLR binds a
        // native call at its first call, with dlsym, which clears the error text: so dlerror is called once before
        // dlopen (binding it, and clearing any older error), never bound between the failure and its reading. The
        // path goes as bytes we encoded: a string argument longer than CoreCLR's stack buffer is marshalled into
        // memory it frees after the call through a helper bound (dlsym) at its first use, which cleared the reason
        // of a failed dlopen of a long path.
        public static IntPtr Open(string file, int mode, out string error)
        {
            IntPtr handle;
            if (IsWindows)
            {
                handle = LoadLibraryW(file);
                error = handle == IntPtr.Zero ? WindowsError(Marshal.GetLastWin32Error()) : null;
                return handle;
            }
            byte[] path = Utf8.Encode(file, "file");
            if (!useLibc)
            {
                try
                {
                    ErrorLibdl();
                    handle = OpenLibdl(path, mode);
                    error = handle == IntPtr.Zero ? Text(ErrorLibdl()) : null;
                    return handle;
                }
                catch (DllNotFoundException)
                {
                    useLibc = true;
                }
                catch (EntryPointNotFoundException)
                {
                    useLibc = true;
                }
            }
            ErrorLibc();
            handle = OpenLibc(path, mode);
            error = handle == IntPtr.Zero ? Text(ErrorLibc()) : null;
            return handle;
        }

        public static IntPtr Symbol(IntPtr handle, string symbol)
        {
            if (handle == IntPtr.Zero) return IntPtr.Zero;
            if (IsWindows) return GetProcAddress(handle, symbol);
            return useLibc ? SymbolLibc(handle, symbol) : SymbolLibdl(handle, symbol);
        }

        /// <summary>Releases a handle <see cref="Open(string, int)"/> gave (on Linux and macOS; a no-op on Windows).</summary>
        public static void Close(IntPtr handle)
        {
            if (handle == IntPtr.Zero || IsWindows) return;
            if (useLibc) CloseLibc(handle);
            else CloseLibdl(handle);
        }

        /// <summary>
        /// The name the dynamic loader keeps for the object behind <paramref name="handle"/> (its link map's
        /// <c>l_name</c>: the path it was loaded from, symlinks as they were), or null (Windows, or not given).
        /// </summary>
        public static string LoadedName(IntPtr handle)
        {
            if (handle == IntPtr.Zero || IsWindows) return null;
            IntPtr linkMap;
            int failed = useLibc ? InfoLibc(handle, LinkMapRequest, out linkMap) : InfoLibdl(handle, LinkMapRequest, out linkMap);
            if (failed != 0 || linkMap == IntPtr.Zero) return null;
            // struct link_map { ElfW(Addr) l_addr; char *l_name; ... }: its public head, the same in glibc and musl.
            string text = Decode(Marshal.ReadIntPtr(linkMap, IntPtr.Size));
            return string.IsNullOrEmpty(text) ? null : text;
        }

        /// <summary><paramref name="path"/> with every symlink resolved (realpath), or null when that fails.</summary>
        public static string RealPath(string path)
        {
            if (IsWindows || path == null) return null;
            byte[] bytes = Utf8.Encode(path, "path");
            IntPtr resolved = IntPtr.Zero;
            if (!realPathInLibc)
            {
                try
                {
                    resolved = RealPathGlibc(bytes, IntPtr.Zero);
                    if (resolved == IntPtr.Zero) return null;
                    try
                    {
                        return Decode(resolved);
                    }
                    finally
                    {
                        FreeGlibc(resolved);
                    }
                }
                catch (DllNotFoundException)
                {
                    realPathInLibc = true;
                }
                catch (EntryPointNotFoundException)
                {
                    realPathInLibc = true;
                }
            }
            resolved = RealPathLibc(bytes, IntPtr.Zero);
            if (resolved == IntPtr.Zero) return null;
            try
            {
                return Decode(resolved);
            }
            finally
            {
                FreeLibc(resolved);
            }
        }

        private static unsafe string Decode(IntPtr text)
        {
            return Utf8.Decode((byte*)text);
        }

        private static string WindowsError(int code)
        {
            return "LoadLibrary failed: " + new System.ComponentModel.Win32Exception(code).Message + " (error " + code + ")";
        }

        private static string Text(IntPtr text)
        {
            return text == IntPtr.Zero ? "(no reason given)" : Marshal.PtrToStringAnsi(text);
        }
    }
}
