// A real OpenVINO tensor (u8 pixels) made through libopenvino_c, for the VLM tests against the double:
// the double reads image tensors through the libopenvino_c the process has loaded, as the real library
// reads them through the one it links. The library file is named by GENAI_INTEROP_CORE_LIBRARY
// (tests/test_csharp_runtime.py sets it to the openvino wheel's); opened with dlopen (Linux).
using System;
using System.Runtime.InteropServices;

namespace GenAIInterop.Tests
{
    public sealed class CoreTensor : IDisposable
    {
        [StructLayout(LayoutKind.Sequential)]
        private struct Shape
        {
            public long Rank;
            public IntPtr Dims;
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int CreateFromHostPtr(int elementType, Shape shape, IntPtr host, out IntPtr tensor);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void Free(IntPtr tensor);

        [DllImport("libdl.so.2")]
        private static extern IntPtr dlopen(string file, int mode);

        [DllImport("libdl.so.2")]
        private static extern IntPtr dlsym(IntPtr handle, string symbol);

        private const int U8 = 16;  // ov_element_type_e
        private static IntPtr library;
        private GCHandle pixels;

        public IntPtr Pointer { get; private set; }

        private CoreTensor()
        {
        }

        private static T Function<T>(string name) where T : class
        {
            if (library == IntPtr.Zero)
            {
                string path = Environment.GetEnvironmentVariable("GENAI_INTEROP_CORE_LIBRARY");
                if (string.IsNullOrEmpty(path)) throw new InvalidOperationException("GENAI_INTEROP_CORE_LIBRARY names no libopenvino_c");
                library = dlopen(path, 2 /* RTLD_NOW */);
                if (library == IntPtr.Zero) throw new DllNotFoundException(path);
            }
            return (T)(object)Marshal.GetDelegateForFunctionPointer(dlsym(library, name), typeof(T));
        }

        /// <summary>A u8 tensor of <paramref name="shape"/> over <paramref name="data"/> (kept pinned until Dispose).</summary>
        public static CoreTensor Create(byte[] data, params long[] shape)
        {
            var made = new CoreTensor { pixels = GCHandle.Alloc(data, GCHandleType.Pinned) };
            GCHandle dims = GCHandle.Alloc(shape, GCHandleType.Pinned);
            try
            {
                IntPtr tensor;
                int status = Function<CreateFromHostPtr>("ov_tensor_create_from_host_ptr")(
                    U8, new Shape { Rank = shape.Length, Dims = dims.AddrOfPinnedObject() }, made.pixels.AddrOfPinnedObject(), out tensor);
                if (status != 0) throw new InvalidOperationException("ov_tensor_create_from_host_ptr: " + status);
                made.Pointer = tensor;
            }
            finally
            {
                dims.Free();
            }
            return made;
        }

        /// <summary>Pixels that differ with <paramref name="seed"/>.</summary>
        public static byte[] Pixels(int count, int seed)
        {
            var data = new byte[count];
            for (int i = 0; i < count; i++) data[i] = (byte)((i * 31 + seed * 101) % 256);
            return data;
        }

        public void Dispose()
        {
            if (Pointer != IntPtr.Zero) Function<Free>("ov_tensor_free")(Pointer);
            Pointer = IntPtr.Zero;
            if (pixels.IsAllocated) pixels.Free();
        }
    }
}
