using System;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Whether calling a variadic C function through a fixed-arity <c>DllImport</c> is valid here.
    /// It is where variadic arguments travel exactly like named ones of the same type, which holds for
    /// the pointer arguments these overloads pass on x86-64 (System V and Windows), 32-bit x86 cdecl,
    /// Linux arm64 (AAPCS64) and Windows arm64. It is NOT valid on Apple arm64 (macOS, iOS), whose ABI
    /// puts every variadic argument on the stack: the callee would read garbage. (.NET has no portable
    /// varargs call: <c>__arglist</c> fails at run time on both Mono and .NET 8.)
    /// </summary>
    public static class VariadicAbi
    {
        /// <summary>True when the generated fixed-arity overloads pass variadic arguments correctly.</summary>
        public static bool FixedArityCallsAreValid
        {
            get
            {
                return !(RuntimeInformation.IsOSPlatform(OSPlatform.OSX)
                         && RuntimeInformation.ProcessArchitecture == Architecture.Arm64);
            }
        }

        /// <summary>Throws <see cref="PlatformNotSupportedException"/> where <see cref="FixedArityCallsAreValid"/> is false.</summary>
        public static void EnsureSupported(string function)
        {
            if (!FixedArityCallsAreValid)
            {
                throw new PlatformNotSupportedException(
                    function + " is variadic; this binding calls it with fixed-arity overloads, which the Apple arm64 " +
                    "calling convention does not allow (variadic arguments go on the stack there). Use a wrapper library " +
                    "with a non-variadic entry point on this platform.");
            }
        }
    }
}
