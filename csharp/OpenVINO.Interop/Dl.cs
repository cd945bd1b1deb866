using System;
using System.IO;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Opens libraries and finds their symbols: dlopen/dlsym/dlerror (in libdl.so.2 on glibc, in the C library on
    /// macOS and musl), LoadLibrary/GetProcAddress on Windows. For the loader and the version probe only.
    /// </summary>
    internal static class Dl
    {
        public const int Lazy = 1;
        public const int Now = 2;

        private static bool useLibc;

        [DllImport("libdl.so.2", EntryPoint = "dlopen")]
        private static extern IntPtr OpenLibdl(string file, int mode);

        [DllImport("libdl.so.2", EntryPoint = "dlsym")]
        private static extern IntPtr SymbolLibdl(IntPtr handle, string symbol);

        [DllImport("libdl.so.2", EntryPoint = "dlerror")]
        private static extern IntPtr ErrorLibdl();

        [DllImport("libc", EntryPoint = "dlopen")]
        private static extern IntPtr OpenLibc(string file, int mode);

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
        // dlopen (binding it, and clearing any older error), never bound between the failure and its reading.
        public static IntPtr Open(string file, int mode, out string error)
        {
            IntPtr handle;
            if (IsWindows)
            {
                handle = LoadLibraryW(file);
                error = handle == IntPtr.Zero ? WindowsError(Marshal.GetLastWin32Error()) : null;
                return handle;
            }
            if (!useLibc)
            {
                try
                {
                    ErrorLibdl();
                    handle = OpenLibdl(file, mode);
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
            handle = OpenLibc(file, mode);
            error = handle == IntPtr.Zero ? Text(ErrorLibc()) : null;
            return handle;
        }

        public static IntPtr Symbol(IntPtr handle, string symbol)
        {
            if (handle == IntPtr.Zero) return IntPtr.Zero;
            if (IsWindows) return GetProcAddress(handle, symbol);
            return useLibc ? SymbolLibc(handle, symbol) : SymbolLibdl(handle, symbol);
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
