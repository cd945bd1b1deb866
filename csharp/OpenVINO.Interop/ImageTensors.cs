using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Image tensors checked before the call: a library that reads OpenVINO tensors as images (u8 [N,]H,W,C;
    /// <c>[conventions.image_tensors]</c> in its description) may crash on one with no pixels: the GenAI 2026.3
    /// C library dies with SIGFPE on an image of height or width 0. Each tensor's shape is asked of the
    /// libopenvino_c the process has already loaded (a real tensor was made by one; when none is loaded the
    /// pointers cannot be OpenVINO tensors and nothing is checked), so the check sees what the library will read,
    /// whatever object holds the tensor.
    /// </summary>
    public static unsafe class ImageTensors
    {
        // OpenVINO's C API: ov_status_e ov_tensor_get_shape(const ov_tensor_t*, ov_shape_t*); void ov_shape_free(ov_shape_t*).
        private const string CoreStem = "openvino_c";

        [StructLayout(LayoutKind.Sequential)]
        private struct Shape
        {
            public long Rank;
            public long* Dims;
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int GetShape(IntPtr tensor, Shape* shape);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int FreeShape(Shape* shape);

        private static readonly object Gate = new object();
        private static GetShape getShape;
        private static FreeShape freeShape;

        /// <summary>
        /// Returns <paramref name="images"/> when none of its tensors is an image with no pixels; otherwise
        /// disposes it and throws ArgumentException naming the element and its shape.
        /// </summary>
        public static HandleArray Check(HandleArray images, string paramName)
        {
            try
            {
                for (int i = 0; i < images.Count; i++)
                {
                    long[] dims = ShapeOf(images.Pointer[i]);
                    if (dims != null && IsEmptyImage(dims))
                    {
                        throw new ArgumentException("element " + i + ": an image of shape [" + string.Join(", ", dims) +
                                                    "] has no pixels (height or width 0); the library would crash on it", paramName);
                    }
                }
            }
            catch
            {
                images.Dispose();
                throw;
            }
            return images;
        }

        /// <summary>A u8 [N,]H,W,C image with height or width 0 (a batch of N = 0 images is no image).</summary>
        public static bool IsEmptyImage(long[] dims)
        {
            if (dims.Length == 3) return dims[0] == 0 || dims[1] == 0;
            if (dims.Length == 4) return dims[0] != 0 && (dims[1] == 0 || dims[2] == 0);
            return false;  // other ranks: the library refuses them with an error of its own
        }

        /// <summary>The shape of the OpenVINO tensor at <paramref name="tensor"/>, or null when it cannot be asked.</summary>
        public static long[] ShapeOf(IntPtr tensor)
        {
            if (tensor == IntPtr.Zero || !Bind()) return null;
            var shape = new Shape();
            if (getShape(tensor, &shape) != 0) return null;
            try
            {
                var dims = new long[shape.Rank];
                for (int d = 0; d < dims.Length; d++) dims[d] = shape.Dims[d];
                return dims;
            }
            finally
            {
                freeShape(&shape);
            }
        }

        private static bool Bind()
        {
            lock (Gate)
            {
                if (getShape != null) return true;
                IntPtr library = LoadedCore();
                IntPtr get = Dl.Symbol(library, "ov_tensor_get_shape"), free = Dl.Symbol(library, "ov_shape_free");
                if (get == IntPtr.Zero || free == IntPtr.Zero) return false;
                freeShape = (FreeShape)Marshal.GetDelegateForFunctionPointer(free, typeof(FreeShape));
                getShape = (GetShape)Marshal.GetDelegateForFunctionPointer(get, typeof(GetShape));
                return true;
            }
        }

        // The libopenvino_c already in the process (never loads one): on Linux its path from /proc/self/maps,
        // opened with RTLD_NOLOAD; elsewhere by name (on Windows LoadLibrary of a loaded DLL returns it).
        private static IntPtr LoadedCore()
        {
            const int NoLoad = 4;  // RTLD_NOLOAD (glibc, musl)
            if (Dl.IsWindows) return Dl.Open(CoreStem + ".dll", Dl.Now);
            if (!File.Exists("/proc/self/maps")) return Dl.Open("lib" + CoreStem + ".dylib", Dl.Now | 0x10 /* macOS RTLD_NOLOAD */);
            var seen = new HashSet<string>();
            foreach (string line in File.ReadAllLines("/proc/self/maps"))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                string path = line.Substring(slash).Trim();
                if (!seen.Add(path) || !Path.GetFileName(path).StartsWith("lib" + CoreStem + ".so", StringComparison.Ordinal)) continue;
                IntPtr handle = Dl.Open(path, Dl.Now | NoLoad);
                if (handle != IntPtr.Zero) return handle;
            }
            return IntPtr.Zero;
        }
    }
}
