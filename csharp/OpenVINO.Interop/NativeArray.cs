using System;

namespace OpenVINO.Interop
{
    /// <summary>Arrays as C functions take them.</summary>
    public static class NativeArray
    {
        private static class Dummy<T>
        {
            public static readonly T[] One = new T[1];
        }

        /// <summary>An empty array pins as a null pointer, which C functions reject even with a zero count.</summary>
        public static T[] OrDummy<T>(T[] array)
        {
            return array != null && array.Length == 0 ? Dummy<T>.One : array;
        }
    }
}
