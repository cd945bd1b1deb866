using System;
using System.Globalization;
using System.Runtime.InteropServices;
using OpenVINO.Core.Native;

namespace OpenVINO.Core
{
    // Hand-written (not generated): tensors over managed arrays, and copies to and from spans.
    //
    // FromArray wraps the array itself (ov_tensor_create_from_host_ptr: no copy); the array stays
    // pinned until this Tensor object is collected, not merely disposed, because an infer request
    // given the tensor keeps its own reference to that memory (and keeps this object alive through
    // NativeObject.Retain). FromSpan and CopyFrom/CopyTo/ToArray copy.
    public sealed partial class Tensor
    {
        private PinnedArray pinned;

        /// <summary>True when this tensor wraps a managed array (<see cref="FromArray(float[], long[])"/>) instead of owning its memory.</summary>
        public bool WrapsManagedArray
        {
            get { return pinned != null; }
        }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy): writes to either are seen by both.</summary>
        public static Tensor FromArray(float[] data, params long[] shape) { return Wrap(data, ElementType.F32, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(double[] data, params long[] shape) { return Wrap(data, ElementType.F64, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(sbyte[] data, params long[] shape) { return Wrap(data, ElementType.I8, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(short[] data, params long[] shape) { return Wrap(data, ElementType.I16, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(int[] data, params long[] shape) { return Wrap(data, ElementType.I32, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(long[] data, params long[] shape) { return Wrap(data, ElementType.I64, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(byte[] data, params long[] shape) { return Wrap(data, ElementType.U8, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(ushort[] data, params long[] shape) { return Wrap(data, ElementType.U16, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(uint[] data, params long[] shape) { return Wrap(data, ElementType.U32, shape); }

        /// <summary>A tensor over <paramref name="data"/> itself (no copy).</summary>
        public static Tensor FromArray(ulong[] data, params long[] shape) { return Wrap(data, ElementType.U64, shape); }

        /// <summary>A new tensor holding a copy of <paramref name="data"/>.</summary>
        public static Tensor FromSpan<T>(ReadOnlySpan<T> data, params long[] shape) where T : struct
        {
            ElementType type = ElementTypeOf(typeof(T));
            CheckCount(data.Length, shape);
            var tensor = new Tensor(type, shape);
            try
            {
                tensor.CopyFrom(data);
                return tensor;
            }
            catch
            {
                tensor.Dispose();
                throw;
            }
        }

        /// <summary>The address of the tensor's memory (<c>ov_tensor_data</c>); valid until it is disposed or reshaped.</summary>
        public IntPtr DataPointer
        {
            get { return Data(); }
        }

        /// <summary>
        /// The tensor's memory as a span (no copy). <typeparamref name="T"/> must match <see cref="ElementType"/>;
        /// the span is valid until the tensor is disposed or reshaped.
        /// </summary>
        public unsafe Span<T> AsSpan<T>() where T : struct
        {
            ElementType wanted = ElementTypeOf(typeof(T));
            ElementType actual = ElementType;
            if (wanted != actual)
            {
                throw new InvalidOperationException("the tensor holds " + actual + " elements, not " + typeof(T).Name + " (" + wanted + ")");
            }
            ulong count = Size;
            if (count > int.MaxValue) throw new InvalidOperationException("the tensor has more elements than a span can hold");
            if (count == 0) return Span<T>.Empty;
            IntPtr data = Data();
            if (data == IntPtr.Zero) throw new InvalidOperationException("ov_tensor_data returned no memory");
            return new Span<T>((void*)data, (int)count);
        }

        /// <summary>Copies <paramref name="source"/> (as many elements as the tensor has) into the tensor.</summary>
        public void CopyFrom<T>(ReadOnlySpan<T> source) where T : struct
        {
            Span<T> target = AsSpan<T>();
            if (source.Length != target.Length)
            {
                throw new ArgumentException("holds " + source.Length.ToString(CultureInfo.InvariantCulture) + " elements; the tensor has "
                    + target.Length.ToString(CultureInfo.InvariantCulture), nameof(source));
            }
            source.CopyTo(target);
        }

        /// <summary>Copies <paramref name="source"/> into the tensor.</summary>
        public void CopyFrom<T>(T[] source) where T : struct
        {
            if (source == null) throw new ArgumentNullException(nameof(source));
            CopyFrom(new ReadOnlySpan<T>(source));
        }

        /// <summary>Copies the tensor's elements into <paramref name="destination"/> (at least as long).</summary>
        public void CopyTo<T>(Span<T> destination) where T : struct
        {
            Span<T> source = AsSpan<T>();
            if (destination.Length < source.Length)
            {
                throw new ArgumentException("holds " + destination.Length.ToString(CultureInfo.InvariantCulture) + " elements; the tensor has "
                    + source.Length.ToString(CultureInfo.InvariantCulture), nameof(destination));
            }
            source.CopyTo(destination);
        }

        /// <summary>A copy of the tensor's elements.</summary>
        public T[] ToArray<T>() where T : struct
        {
            return AsSpan<T>().ToArray();
        }

        /// <summary>The OpenVINO element type of a .NET element type (<c>float</c> is F32, ...).</summary>
        public static ElementType ElementTypeOf(Type type)
        {
            if (type == typeof(float)) return ElementType.F32;
            if (type == typeof(double)) return ElementType.F64;
            if (type == typeof(sbyte)) return ElementType.I8;
            if (type == typeof(short)) return ElementType.I16;
            if (type == typeof(int)) return ElementType.I32;
            if (type == typeof(long)) return ElementType.I64;
            if (type == typeof(byte)) return ElementType.U8;
            if (type == typeof(ushort)) return ElementType.U16;
            if (type == typeof(uint)) return ElementType.U32;
            if (type == typeof(ulong)) return ElementType.U64;
            throw new ArgumentException(type + " has no OpenVINO element type (use float, double, sbyte, short, int, long, byte, ushort, uint or ulong)", nameof(type));
        }

        private static long CheckCount(long elements, long[] shape)
        {
            if (shape == null) throw new ArgumentNullException(nameof(shape));
            long count = 1;
            foreach (long dim in shape)
            {
                if (dim < 0) throw new ArgumentException("a dimension is negative", nameof(shape));
                count = checked(count * dim);
            }
            if (count != elements)
            {
                throw new ArgumentException("the shape holds " + count.ToString(CultureInfo.InvariantCulture) + " elements, the data "
                    + elements.ToString(CultureInfo.InvariantCulture), nameof(shape));
            }
            return count;
        }

        private static unsafe Tensor Wrap(Array data, ElementType type, long[] shape)
        {
            if (data == null) throw new ArgumentNullException(nameof(data));
            CheckCount(data.LongLength, shape);
            if (data.Length == 0) return new Tensor(type, shape);  // OpenVINO refuses a null host pointer
            var pin = new PinnedArray(data);
            try
            {
                IntPtr tensor = IntPtr.Zero;
                Status status;
                fixed (long* dims = shape)
                {
                    var nativeShape = new Native.Shape { rank = shape.Length, dims = dims };
                    status = NativeMethods.ov_tensor_create_from_host_ptr(type, nativeShape, pin.Address, &tensor);
                }
                var handle = tensor == IntPtr.Zero ? null : new TensorHandle(tensor);
                if (status != Status.Ok)
                {
                    if (handle != null) handle.Dispose();
                    StatusCheck.Check(status, "ov_tensor_create_from_host_ptr");
                }
                var result = new Tensor(handle);
                result.pinned = pin;
                return result;
            }
            catch (DllNotFoundException e)
            {
                pin.Dispose();
                throw NativeLibraryLoader.Explain(e);
            }
            catch
            {
                pin.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// A managed array pinned for native code. Unpinned when collected (or disposed), which happens only
    /// once nothing, native objects included (through NativeObject.Retain), can reach its owner.
    /// </summary>
    internal sealed class PinnedArray : IDisposable
    {
        private GCHandle handle;

        internal PinnedArray(Array array)
        {
            handle = GCHandle.Alloc(array, GCHandleType.Pinned);
        }

        internal IntPtr Address
        {
            get { return handle.AddrOfPinnedObject(); }
        }

        ~PinnedArray()
        {
            Release();
        }

        public void Dispose()
        {
            Release();
            GC.SuppressFinalize(this);
        }

        private void Release()
        {
            if (handle.IsAllocated) handle.Free();
        }
    }
}
