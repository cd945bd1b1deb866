using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Finds out once which version of a native library is loaded: the newest known version whose functions all
    /// resolve in the library, refined by asking OpenVINO for its version where symbols cannot tell versions apart.
    /// Bindings call <see cref="Require"/> before each native call, so a function newer than the library raises
    /// <see cref="LibraryVersionException"/> (a NotSupportedException) instead of EntryPointNotFoundException or a
    /// call with the wrong signature. The algorithm is bindgen/versions.py's detect(); each binding's generated
    /// <c>ApiVersion</c> holds the table (known versions, probe functions, the first version of each function).
    /// </summary>
    public sealed class VersionDetector
    {
        private readonly string title;
        private readonly string libraryName;
        private readonly string[] knownVersions;
        private readonly string[][] probes;
        private readonly Dictionary<string, int> sinceIndex;
        private readonly string queryFunction;
        private readonly string queryFree;
        private readonly string queryLibrary;
        private readonly LibraryLoader loader;

        private readonly object gate = new object();
        private volatile bool detected;
        private int installedIndex = -1;
        private bool unknown;
        private Exception unknownReason;
        private string[] candidates = new string[0];
        private string[] missing = new string[0];
        private string queriedVersion;
        private Func<string, bool> symbolProbe;
        private Func<string> versionQuery;

        /// <summary>A detector for one library.</summary>
        /// <param name="title">The library's name for people, e.g. <c>OpenVINO GenAI</c>.</param>
        /// <param name="libraryName">The <c>DllImport</c> name of the library.</param>
        /// <param name="knownVersions">Known versions, oldest first.</param>
        /// <param name="probes">Per known version: functions first declared there and still declared by every later one (may be empty).</param>
        /// <param name="since">Per function: the index in <paramref name="knownVersions"/> of the first version with it as the binding calls it.</param>
        /// <param name="queryFunction">A function filling a <c>{ const char* buildNumber; const char* description; }</c> record with the OpenVINO version (null: none).</param>
        /// <param name="queryFree">The function releasing that record.</param>
        /// <param name="loader">Finds the library as the binding loads it (null: by name only).</param>
        public VersionDetector(string title, string libraryName, string[] knownVersions, string[][] probes,
            IDictionary<string, int> since, string queryFunction, string queryFree, LibraryLoader loader)
            : this(title, libraryName, knownVersions, probes, since, queryFunction, queryFree, null, loader)
        {
        }

        /// <summary>A detector for one library whose version query lives in another library.</summary>
        /// <param name="title">The library's name for people, e.g. <c>OpenVINO GenAI</c>.</param>
        /// <param name="libraryName">The <c>DllImport</c> name of the library.</param>
        /// <param name="knownVersions">Known versions, oldest first.</param>
        /// <param name="probes">Per known version: functions first declared there and still declared by every later one (may be empty).</param>
        /// <param name="since">Per function: the index in <paramref name="knownVersions"/> of the first version with it as the binding calls it.</param>
        /// <param name="queryFunction">A function filling a <c>{ const char* buildNumber; const char* description; }</c> record with the OpenVINO version (null: none).</param>
        /// <param name="queryFree">The function releasing that record.</param>
        /// <param name="queryLibrary">
        /// The library (file name stem, e.g. <c>openvino_c</c>) exporting them: loaded from the folder of the library
        /// itself, which need not depend on it (a GenAI library linked with --as-needed); null, or not found there: the
        /// functions are looked up through the library's handle (its dependencies).
        /// </param>
        /// <param name="loader">Finds the library as the binding loads it (null: by name only).</param>
        public VersionDetector(string title, string libraryName, string[] knownVersions, string[][] probes,
            IDictionary<string, int> since, string queryFunction, string queryFree, string queryLibrary, LibraryLoader loader)
        {
            if (knownVersions == null || knownVersions.Length == 0) throw new ArgumentException("no known version", nameof(knownVersions));
            if (probes == null || probes.Length != knownVersions.Length)
            {
                throw new ArgumentException("one probe list per known version", nameof(probes));
            }
            this.title = title;
            this.libraryName = libraryName;
            this.knownVersions = (string[])knownVersions.Clone();
            this.probes = (string[][])probes.Clone();
            sinceIndex = new Dictionary<string, int>(since ?? new Dictionary<string, int>(), StringComparer.Ordinal);
            this.queryFunction = queryFunction;
            this.queryFree = queryFree;
            this.queryLibrary = queryLibrary;
            this.loader = loader;
        }

        /// <summary>The oldest version the binding knows; an older library is refused.</summary>
        public string Oldest
        {
            get { return knownVersions[0]; }
        }

        /// <summary>The version the binding was generated from.</summary>
        public string Newest
        {
            get { return knownVersions[knownVersions.Length - 1]; }
        }

        /// <summary>Known versions, oldest first.</summary>
        public IList<string> Known
        {
            get { return Array.AsReadOnly(knownVersions); }
        }

        /// <summary>The loaded version, or null when older than <see cref="Oldest"/>.</summary>
        public string Installed
        {
            get
            {
                Detect();
                return installedIndex < 0 ? null : knownVersions[installedIndex];
            }
        }

        /// <summary>Versions the library's symbols cannot tell apart; one entry when the version is exact.</summary>
        public IList<string> Candidates
        {
            get
            {
                Detect();
                return Array.AsReadOnly(candidates);
            }
        }

        /// <summary>What OpenVINO reported as its version, when it was asked.</summary>
        public string QueriedVersion
        {
            get
            {
                Detect();
                return queriedVersion;
            }
        }

        /// <summary>
        /// True while the library cannot be opened for probing: then only functions every known version has (as the
        /// binding calls them) go ahead, to report the missing library themselves; newer ones are refused. Detection is
        /// tried again at the next call.
        /// </summary>
        public bool IsUnknown
        {
            get
            {
                Detect();
                return unknown;
            }
        }

        /// <summary>Probe this library file instead of looking the library up by name.</summary>
        public void Attach(string libraryPath)
        {
            IntPtr handle = Dl.Open(libraryPath, Dl.Lazy);
            if (handle == IntPtr.Zero)
            {
                throw new DllNotFoundException("cannot open " + libraryPath + " to find its " + title + " version");
            }
            string folder = Path.GetDirectoryName(Path.GetFullPath(libraryPath));
            Attach(name => Dl.Symbol(handle, name) != IntPtr.Zero, () => QueryVersion(handle, folder));
        }

        /// <summary>Probe an already loaded library (a handle from dlopen / LoadLibrary / NativeLibrary.Load).</summary>
        public void Attach(IntPtr libraryHandle)
        {
            Attach(name => Dl.Symbol(libraryHandle, name) != IntPtr.Zero, () => QueryVersion(libraryHandle, null));
        }

        /// <summary>Use these to find symbols and the version (for loaders of their own, and tests).</summary>
        public void Attach(Func<string, bool> hasSymbol, Func<string> queryVersion)
        {
            if (hasSymbol == null)
            {
                throw new ArgumentNullException(nameof(hasSymbol));
            }
            lock (gate)
            {
                symbolProbe = hasSymbol;
                versionQuery = queryVersion;
                detected = false;
            }
        }

        /// <summary>Throws <see cref="LibraryVersionException"/> when the loaded library is older than <see cref="Oldest"/>.</summary>
        public void EnsureSupported()
        {
            Detect();
            if (installedIndex < 0 && !unknown)
            {
                throw TooOld(null);
            }
        }

        /// <summary>The first version with this function as the binding calls it, or null if unknown.</summary>
        public string SinceOf(string function)
        {
            int index;
            return function != null && sinceIndex.TryGetValue(function, out index) ? knownVersions[index] : null;
        }

        /// <summary>Refuses a call to <paramref name="function"/> unless the library is at least Known[since].</summary>
        public void Require(string function, int since)
        {
            if (!detected)
            {
                Detect();
            }
            if (unknown)
            {
                // Never "call anything": only what every known version has, which reports a missing library itself.
                if (since <= 0) return;
                var notFound = unknownReason as DllNotFoundException;
                if (notFound != null) throw notFound;
                throw new LibraryVersionException(
                    function + " needs " + title + " >= " + knownVersions[since] + "; the version of the library could not be told"
                    + (unknownReason == null ? "" : " (" + unknownReason.Message + ")"),
                    function, knownVersions[since], null);
            }
            if (installedIndex >= since)
            {
                return;
            }
            if (installedIndex < 0)
            {
                throw TooOld(function);
            }
            string have = candidates.Length > 1 ? string.Join(" or ", candidates) : knownVersions[installedIndex];
            throw new LibraryVersionException(
                function + " needs " + title + " >= " + knownVersions[since] + "; the loaded library is " + have,
                function, knownVersions[since], knownVersions[installedIndex]);
        }

        private LibraryVersionException TooOld(string function)
        {
            string message = "the loaded " + title + " library is older than " + Oldest
                + ", the oldest version these bindings support (missing: " + string.Join(", ", missing) + ")";
            if (function != null)
            {
                message = function + " needs " + title + " >= " + (SinceOf(function) ?? Oldest) + "; " + message;
            }
            return new LibraryVersionException(message, function, SinceOf(function) ?? Oldest, null);
        }

        private void Detect()
        {
            if (detected)
            {
                return;
            }
            lock (gate)
            {
                if (detected)
                {
                    return;
                }
                Func<string, bool> has = symbolProbe;
                Func<string> query = versionQuery;
                if (has == null)
                {
                    string folder;
                    Exception failure;
                    IntPtr handle = OpenLibrary(out folder, out failure);
                    if (handle == IntPtr.Zero)
                    {
                        // Not remembered: the next call tries again (and Require refuses what not every version has).
                        unknown = true;
                        unknownReason = failure;
                        installedIndex = knownVersions.Length - 1;
                        candidates = new[] { Newest };
                        return;
                    }
                    has = name => Dl.Symbol(handle, name) != IntPtr.Zero;
                    query = () => QueryVersion(handle, folder);
                }
                Compute(has, query);
                detected = true;
            }
        }

        // The algorithm of bindgen/versions.py detect(), kept in step with it (tests/test_versions_runtime.py).
        private void Compute(Func<string, bool> has, Func<string> query)
        {
            unknown = false;
            queriedVersion = null;
            int floor = -1;
            for (int i = 0; i < probes.Length; i++)
            {
                if (probes[i].Length > 0 && AllPresent(probes[i], has))
                {
                    floor = i;
                }
            }
            if (floor < 0)
            {
                var absent = new List<string>();
                foreach (string name in probes[0])
                {
                    if (!has(name))
                    {
                        absent.Add(name);
                    }
                }
                missing = absent.ToArray();
                installedIndex = -1;
                candidates = new string[0];
                return;
            }
            int ceiling = floor;
            while (ceiling + 1 < probes.Length && probes[ceiling + 1].Length == 0)
            {
                ceiling++;
            }
            int index = floor;
            if (ceiling > floor && query != null)
            {
                string core = null;
                try
                {
                    core = query();
                }
                catch (Exception)
                {
                    // An unreadable version leaves the oldest candidate: refusing beats a wrong call.
                }
                queriedVersion = core;
                long coreKey = ReleaseKey(core);
                if (coreKey >= 0)
                {
                    for (int i = floor; i <= ceiling; i++)
                    {
                        long key = ReleaseKey(knownVersions[i]);
                        if (key >= 0 && key <= coreKey)
                        {
                            index = i;
                        }
                    }
                    ceiling = floor = index;
                }
            }
            installedIndex = index;
            var range = new string[ceiling - floor + 1];
            Array.Copy(knownVersions, floor, range, 0, range.Length);
            candidates = range;
            missing = new string[0];
        }

        // The library the bindings call, as the binding's LibraryLoader loads it (on Mono too, whichever class of the
        // binding ran first: the loader loads the libraries it needs from the same folders first, as the libraries
        // have no RUNPATH), else by name. Also the folder it was found in, and why it could not be opened.
        private IntPtr OpenLibrary(out string folder, out Exception failure)
        {
            folder = null;
            failure = null;
            IntPtr handle = IntPtr.Zero;
            if (loader != null)
            {
                try
                {
                    loader.Initialize();
                    handle = loader.Load(libraryName);
                    string path = loader.LoadedPath(libraryName);
                    if (path != null) folder = Path.GetDirectoryName(path);
                }
                catch (DllNotFoundException e)
                {
                    failure = e;
                }
                if (handle != IntPtr.Zero) return handle;
            }
            handle = OpenByName();
            if (handle == IntPtr.Zero && failure == null)
            {
                failure = new DllNotFoundException("the " + title + " library '" + libraryName + "' could not be loaded");
            }
            return handle;
        }

        private static bool AllPresent(string[] names, Func<string, bool> has)
        {
            foreach (string name in names)
            {
                if (!has(name))
                {
                    return false;
                }
            }
            return true;
        }

        /// <summary>YEAR.MINOR.PATCH of "2026.3.0.0" or an OpenVINO build number "2026.3.0-19215-abc" as one number; -1 if none.</summary>
        public static long ReleaseKey(string version)
        {
            if (string.IsNullOrEmpty(version))
            {
                return -1;
            }
            string[] parts = version.Trim().Split('.', '-', ' ');
            if (parts.Length < 3)
            {
                return -1;
            }
            long key = 0;
            for (int i = 0; i < 3; i++)
            {
                int part;
                if (!int.TryParse(parts[i], out part) || part < 0 || part > 99999)
                {
                    return -1;
                }
                key = key * 100000 + part;
            }
            return key;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct VersionRecord
        {
            public IntPtr BuildNumber;
            public IntPtr Description;
        }

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int VersionQueryFunction(ref VersionRecord version);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void VersionFreeFunction(ref VersionRecord version);

        // The version query and its free function: from the query library in the library's own folder, loaded
        // explicitly, else through the library's handle (its dependencies).
        private string QueryVersion(IntPtr handle, string folder)
        {
            if (queryFunction == null || queryFree == null)
            {
                return null;  // the library description names no version query
            }
            IntPtr owner = IntPtr.Zero;
            if (queryLibrary != null && folder != null)
            {
                owner = loader != null ? loader.LoadFromFolder(queryLibrary, folder) : LibraryLoader.OpenInFolder(queryLibrary, folder);
            }
            if (owner == IntPtr.Zero || Dl.Symbol(owner, queryFunction) == IntPtr.Zero)
            {
                owner = handle;
            }
            IntPtr queryPointer = Dl.Symbol(owner, queryFunction);
            IntPtr freePointer = Dl.Symbol(owner, queryFree);
            if (queryPointer == IntPtr.Zero || freePointer == IntPtr.Zero)
            {
                return null;
            }
            var queryVersion = (VersionQueryFunction)Marshal.GetDelegateForFunctionPointer(queryPointer, typeof(VersionQueryFunction));
            var freeVersion = (VersionFreeFunction)Marshal.GetDelegateForFunctionPointer(freePointer, typeof(VersionFreeFunction));
            var record = new VersionRecord();
            if (queryVersion(ref record) != 0)
            {
                return null;
            }
            try
            {
                return record.BuildNumber == IntPtr.Zero ? null : Marshal.PtrToStringAnsi(record.BuildNumber);
            }
            finally
            {
                freeVersion(ref record);
            }
        }

        /// <summary>The library as DllImport would find it: next to the binding, runtimes/RID/native, then the system search.</summary>
        private IntPtr OpenByName()
        {
            string file = Dl.IsWindows ? libraryName + ".dll"
                : (IsMac() ? "lib" + libraryName + ".dylib" : "lib" + libraryName + ".so");
            var places = new List<string>();
            string here = loader != null ? loader.BindingFolder : null;
            if (!string.IsNullOrEmpty(here))
            {
                places.Add(Path.Combine(here, file));
                string runtimes = Path.Combine(here, "runtimes");
                if (Directory.Exists(runtimes))
                {
                    foreach (string rid in Directory.GetDirectories(runtimes))
                    {
                        places.Add(Path.Combine(Path.Combine(rid, "native"), file));
                    }
                }
            }
            foreach (string place in places)
            {
                if (File.Exists(place))
                {
                    IntPtr handle = Dl.Open(place, Dl.Lazy);
                    if (handle != IntPtr.Zero)
                    {
                        return handle;
                    }
                }
            }
            try
            {
                return Dl.Open(file, Dl.Lazy);
            }
            catch (DllNotFoundException)
            {
                return IntPtr.Zero;
            }
        }

        private static bool IsMac()
        {
            return !Dl.IsWindows && Directory.Exists("/System/Library/CoreServices");
        }
    }
}
