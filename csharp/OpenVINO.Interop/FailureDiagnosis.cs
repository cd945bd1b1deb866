using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;

namespace OpenVINO.Interop
{
    /// <summary>
    /// What went wrong when a call fails with a status that carries no text. GenAI's C layer turns every C++
    /// exception into one status (UNKNOW_EXCEPTION) and drops its message, so a missing model, an unknown device,
    /// a missing tokenizers library and a busy pipeline all read the same. Before the exception is made, the call's
    /// diagnosed arguments are checked as the binding's <see cref="DiagnosisSpec"/> says, and the message says what
    /// was found: a model path that does not exist or is not a model of the kind (which files were expected, which
    /// were found); a device OpenVINO does not list (its core C library beside the binding's library is asked); the
    /// helper library missing where the library looks for it (beside the copy of the library it sits beside that the
    /// binding's library is bound to, <see cref="Linkage"/>); the object busy with another call taking callbacks
    /// (<see cref="RunningCall"/>). The same checks and texts as the Python runtime's diagnosis module.
    /// Support for generated code; it only reads (files, the environment, the device list).
    /// </summary>
    public static class FailureDiagnosis
    {
        private const int Shown = 12;
        private static readonly object DevicesGate = new object();
        private static readonly Dictionary<string, List<string>> DevicesByFolder = new Dictionary<string, List<string>>();
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NativeObject, string> Models =
            new System.Runtime.CompilerServices.ConditionalWeakTable<NativeObject, string>();
        // The absolute model path of each remembered object and when it was created (UTC), guarded by Models.
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<NativeObject, Tuple<string, DateTime>> Loaded =
            new System.Runtime.CompilerServices.ConditionalWeakTable<NativeObject, Tuple<string, DateTime>>();

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int CoreCreate(out IntPtr core);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void CoreFree(IntPtr core);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate int DevicesList(IntPtr core, ref AvailableDevices devices);

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void DevicesFree(ref AvailableDevices devices);

        [StructLayout(LayoutKind.Sequential)]
        private struct AvailableDevices
        {
            public IntPtr Devices;
            public UIntPtr Size;
        }

        /// <summary>
        /// Refuses, before the call, property keys the library reads as something other than a string; returns the
        /// properties (read once) for the call to pass on.
        /// </summary>
        public static IList<KeyValuePair<string, string>> CheckProperties(DiagnosisSpec spec, IEnumerable<KeyValuePair<string, string>> properties, string paramName)
        {
            if (properties == null) return null;
            var list = properties.ToList();
            foreach (var pair in list)
            {
                string why;
                if (pair.Key != null && spec != null && spec.TryRefused(pair.Key, out why))
                {
                    throw new ArgumentException(paramName + ": the property '" + pair.Key + "' is not supported: " + why, paramName);
                }
            }
            return list;
        }

        /// <summary>
        /// What was found about a failure of <paramref name="function"/> with status <paramref name="status"/>, or null
        /// when the status is not the one the spec diagnoses. <paramref name="args"/>: the diagnosed parameters as
        /// name, value pairs (C parameter names).
        /// </summary>
        public static string Explain(DiagnosisSpec spec, string function, int status, string[] args)
        {
            return Explain(spec, function, status, args, null);
        }

        /// <summary>
        /// <see cref="Explain(DiagnosisSpec, string, int, string[])"/> for a call made on <paramref name="self"/> (else the
        /// object of the call taking callbacks the current thread is in, if any).
        /// </summary>
        public static string Explain(DiagnosisSpec spec, string function, int status, string[] args, NativeObject self)
        {
            if (spec == null || status != spec.Status) return null;
            var values = new Dictionary<string, string>();
            if (args != null)
            {
                for (int i = 0; i + 1 < args.Length; i += 2) values[args[i]] = args[i + 1];
            }
            var found = new List<string>();
            Probe(found, () => ModelPathProblems(spec, function, values));
            Probe(found, () => ModelFilesAtCallProblems(spec, function, self ?? RunningCall.CurrentObject));
            Probe(found, () => DeviceProblems(spec, function, values));
            Probe(found, () => HelperProblems(spec, function));
            Probe(found, BusyProblems);
            if (found.Count == 0) return "the library reports no further detail";
            return "the library reports no detail; found: " + string.Join("; ", found);
        }

        private static void Probe(List<string> found, Func<IEnumerable<string>> probe)
        {
            try
            {
                found.AddRange(probe());
            }
            catch (Exception e)
            {
                // A diagnosis never hides the failure it explains.
                found.Add("(looking for the cause failed: " + e.GetType().Name + ": " + e.Message + ")");
            }
        }

        private static string Quote(string text)
        {
            return "'" + text + "'";
        }

        // -- model path --

        private static IEnumerable<string> ModelPathProblems(DiagnosisSpec spec, string function, Dictionary<string, string> values)
        {
            KeyValuePair<string, ModelKind> entry;
            string path;
            if (!spec.TryModelPath(function, out entry) || !values.TryGetValue(entry.Key, out path) || path == null) return new string[0];
            return CheckModelPath(path, entry.Value);
        }

        /// <summary>What is wrong with <paramref name="path"/> as a model of <paramref name="kind"/> (empty: it looks like one).</summary>
        public static IList<string> CheckModelPath(string path, ModelKind kind)
        {
            var found = new List<string>();
            if (path.Length == 0)
            {
                found.Add("the model path is empty (name a model folder or a model file)");
                return found;
            }
            if (File.Exists(path))
            {
                string suffix = kind.Files.Keys.FirstOrDefault(s => path.EndsWith(s, StringComparison.OrdinalIgnoreCase));
                if (suffix == null)
                {
                    string accepted = string.Join(", ", kind.Files.Keys.Select(s => "a " + s + " file"));
                    found.Add("the model path " + Quote(path) + " is a file; " + kind.Title + " is loaded from a folder"
                        + (accepted.Length > 0 ? " or " + accepted : ""));
                    return found;
                }
                byte[] magic = Encoding.UTF8.GetBytes(kind.Files[suffix]);
                var head = new byte[magic.Length];
                int read;
                try
                {
                    using (var stream = File.OpenRead(path)) read = stream.Read(head, 0, head.Length);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    found.Add("the model file " + Quote(path) + " cannot be read: " + e.Message);
                    return found;
                }
                if (read != magic.Length || !head.SequenceEqual(magic))
                {
                    found.Add("the model file " + Quote(path) + " is not a " + suffix + " file (it does not start with "
                        + Quote(kind.Files[suffix]) + ")");
                }
                return found;
            }
            if (!Directory.Exists(path))
            {
                string parent = Path.GetDirectoryName(Path.GetFullPath(path));
                while (!string.IsNullOrEmpty(parent) && !Directory.Exists(parent)) parent = Path.GetDirectoryName(parent);
                found.Add("the model path " + Quote(path) + " does not exist"
                    + (string.IsNullOrEmpty(parent) ? "" : " (the nearest existing folder is " + Quote(parent) + ")"));
                return found;
            }
            List<string> present;
            try
            {
                present = Directory.EnumerateFileSystemEntries(path).Select(Path.GetFileName).ToList();
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                found.Add("the model folder " + Quote(path) + " cannot be listed: " + e.Message);
                return found;
            }
            present.Sort(StringComparer.Ordinal);
            var unpaired = new List<string>();
            foreach (string name in present)
            {
                foreach (var pair in kind.Pairs)
                {
                    if (!name.EndsWith(pair.Key, StringComparison.Ordinal)) continue;
                    string partner = name.Substring(0, name.Length - pair.Key.Length) + pair.Value;
                    if (!present.Contains(partner)) unpaired.Add(name + " is there without " + partner);
                }
            }
            string unpairedText = unpaired.Count == 0 ? null
                : "in the model folder " + Quote(path) + ", " + string.Join(", ", unpaired) + " (the library reads them together)";
            if (kind.FolderSets.Any(set => set.All(present.Contains)))
            {
                if (unpairedText != null) found.Add(unpairedText);
                return found;
            }
            string expected = string.Join(" or ", kind.FolderSets.Select(set => "[" + string.Join(", ", set) + "]"));
            string files = string.Join(" or ", kind.Files.Keys.Select(s => "a " + s + " file"));
            string listed = present.Count == 0 ? "nothing (empty folder)"
                : string.Join(", ", present.Take(Shown)) + (present.Count > Shown ? ", ... (" + present.Count.ToString(CultureInfo.InvariantCulture) + " entries)" : "");
            List<string> closest = kind.FolderSets.Select(set => set.Where(name => !present.Contains(name)).ToList())
                .OrderBy(missing => missing.Count).First();
            found.Add("the folder " + Quote(path) + " is not " + kind.Title + ": " + string.Join(", ", closest) + " missing (expected "
                + expected + (files.Length > 0 ? ", or the path of " + files : "") + "); found " + listed);
            if (unpairedText != null) found.Add(unpairedText);
            return found;
        }

        /// <summary><paramref name="created"/> was created from the model at <paramref name="path"/> (a later failure is diagnosed with it).</summary>
        public static void RememberModel(NativeObject created, string path)
        {
            if (created == null || path == null) return;
            lock (Models)
            {
                Models.Remove(created);
                Models.Add(created, path);
                Loaded.Remove(created);
                string full;
                try
                {
                    full = Path.GetFullPath(path);
                }
                catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is PathTooLongException
                                          || e is System.Security.SecurityException)
                {
                    full = path;
                }
                Loaded.Add(created, Tuple.Create(full, DateTime.UtcNow));
            }
        }

        /// <summary>The absolute model path <paramref name="created"/> was created from and when (UTC), if it was remembered.</summary>
        internal static bool TryModelOf(object created, out string path, out DateTime createdUtc)
        {
            path = null;
            createdUtc = default(DateTime);
            var native = created as NativeObject;
            if (native == null) return false;
            lock (Models)
            {
                Tuple<string, DateTime> loaded;
                if (!Loaded.TryGetValue(native, out loaded)) return false;
                path = loaded.Item1;
                createdUtc = loaded.Item2;
                return true;
            }
        }

        private static IEnumerable<string> ModelFilesAtCallProblems(DiagnosisSpec spec, string function, NativeObject target)
        {
            string[] files;
            if (!spec.TryModelFilesAtCall(function, out files) || target == null) return new string[0];
            string origin;
            lock (Models)
            {
                if (!Models.TryGetValue(target, out origin)) return new string[0];
            }
            if (!Directory.Exists(origin)) return new string[0];
            var missing = files.Where(name => !File.Exists(Path.Combine(origin, name))).ToList();
            if (missing.Count == 0) return new string[0];
            return new[] { "this " + target.GetType().Name + " was created from the folder " + Quote(origin) + ", which has no "
                + string.Join(", ", missing) + ": " + function + " needs " + (missing.Count == 1 ? "it" : "them") + " (creating the pipeline did not)" };
        }

        // -- device --

        private static IEnumerable<string> DeviceProblems(DiagnosisSpec spec, string function, Dictionary<string, string> values)
        {
            string param, device;
            if (spec.DeviceLibrary == null || !spec.TryDevice(function, out param) || !values.TryGetValue(param, out device) || device == null)
            {
                return new string[0];
            }
            List<string> available = AvailableDevicesOf(spec);
            if (available == null) return new string[0];
            var missing = RequestedDevices(device, spec.MetaDevices).Where(d => !DeviceAvailable(d, available)).ToList();
            if (missing.Count == 0) return new string[0];
            string listed = available.Count == 0 ? "none" : string.Join(", ", available);
            if (missing.Count == 1 && missing[0] == device)
            {
                return new[] { "device " + Quote(device) + " is not available here (available: " + listed + ")" };
            }
            return new[] { "device " + Quote(device) + " names " + string.Join(", ", missing.Select(Quote)) + ", not available here (available: " + listed + ")" };
        }

        /// <summary>The devices a device string uses: <c>AUTO:GPU,CPU</c> gives GPU, CPU; a bare meta device none.</summary>
        public static IList<string> RequestedDevices(string device, string[] metaDevices)
        {
            int colon = device.IndexOf(':');
            string head = colon < 0 ? device : device.Substring(0, colon);
            if (metaDevices.Contains(head.ToUpperInvariant()))
            {
                var inner = new List<string>();
                if (colon < 0) return inner;
                foreach (string part in device.Substring(colon + 1).Split(','))
                {
                    string name = part.Trim();
                    int paren = name.IndexOf('(');
                    if (paren >= 0) name = name.Substring(0, paren);
                    if (name.Length > 0) inner.AddRange(RequestedDevices(name, metaDevices));
                }
                return inner;
            }
            return new List<string> { device };
        }

        /// <summary><c>GPU</c> matches GPU.0 as well; <c>GPU.1</c> only GPU.1.</summary>
        public static bool DeviceAvailable(string device, IList<string> available)
        {
            if (available.Contains(device)) return true;
            return device.IndexOf('.') < 0 && available.Any(a => a.Split('.')[0] == device);
        }

        private static List<string> AvailableDevicesOf(DiagnosisSpec spec)
        {
            string folder = LibraryFolder(spec);
            if (folder == null) return null;
            lock (DevicesGate)
            {
                List<string> cached;
                if (DevicesByFolder.TryGetValue(folder, out cached)) return cached;
                IntPtr library = spec.Loader.LoadFromFolder(spec.DeviceLibrary, folder);
                List<string> names = library == IntPtr.Zero ? null : AskDevices(spec, library);
                if (names != null) DevicesByFolder[folder] = names;
                return names;
            }
        }

        private static List<string> AskDevices(DiagnosisSpec spec, IntPtr library)
        {
            IntPtr create = Dl.Symbol(library, spec.CoreCreate), free = Dl.Symbol(library, spec.CoreFree);
            IntPtr list = Dl.Symbol(library, spec.DevicesList), freeList = Dl.Symbol(library, spec.DevicesFree);
            if (create == IntPtr.Zero || free == IntPtr.Zero || list == IntPtr.Zero || freeList == IntPtr.Zero) return null;
            var coreCreate = (CoreCreate)Marshal.GetDelegateForFunctionPointer(create, typeof(CoreCreate));
            var coreFree = (CoreFree)Marshal.GetDelegateForFunctionPointer(free, typeof(CoreFree));
            var devicesList = (DevicesList)Marshal.GetDelegateForFunctionPointer(list, typeof(DevicesList));
            var devicesFree = (DevicesFree)Marshal.GetDelegateForFunctionPointer(freeList, typeof(DevicesFree));
            IntPtr core;
            if (coreCreate(out core) != 0 || core == IntPtr.Zero) return null;
            try
            {
                var devices = new AvailableDevices();
                if (devicesList(core, ref devices) != 0) return null;
                try
                {
                    var names = new List<string>();
                    long count = (long)devices.Size.ToUInt64();
                    for (long i = 0; i < count; i++)
                    {
                        names.Add(Utf8String(Marshal.ReadIntPtr(devices.Devices, (int)(i * IntPtr.Size))));
                    }
                    return names;
                }
                finally
                {
                    devicesFree(ref devices);
                }
            }
            finally
            {
                coreFree(core);
            }
        }

        private static string Utf8String(IntPtr text)
        {
            if (text == IntPtr.Zero) return "";
            int length = 0;
            while (Marshal.ReadByte(text, length) != 0) length++;
            var bytes = new byte[length];
            Marshal.Copy(text, bytes, 0, length);
            return Encoding.UTF8.GetString(bytes);
        }

        // The folder the binding's library was loaded from (symlinks left as they are: its siblings are there).
        private static string LibraryFolder(DiagnosisSpec spec)
        {
            string path = spec.Loader.LoadedPath(spec.Loader.Library) ?? LoadedFile(spec.Loader.Library);
            return path == null ? null : Path.GetDirectoryName(Path.GetFullPath(path));
        }

        // -- helper library --

        private static IEnumerable<string> HelperProblems(DiagnosisSpec spec, string function)
        {
            if (spec.HelperName == null || !spec.LoadsHelper(function)) return new string[0];
            string fileName = FileName(spec.HelperName);
            string named = spec.HelperVariable == null ? null : Environment.GetEnvironmentVariable(spec.HelperVariable);
            if (!string.IsNullOrEmpty(named))
            {
                if (File.Exists(named)) return new string[0];
                return new[] { "the " + spec.HelperName + " library is looked for at " + Quote(named) + " ($" + spec.HelperVariable + "), which is not a file" };
            }
            if (spec.HelperBeside == null) return new string[0];
            // The copy the failing library is bound to, never another copy some other component loaded into the process.
            string library = spec.Loader.LoadedPath(spec.Loader.Library) ?? LoadedFile(spec.Loader.Library);
            string bound;
            if (library == null || !Linkage.TryDependency(library, spec.HelperBeside, out bound) || bound == null)
            {
                return new string[0];  // not known where it is looked for, or the library does not use lib<beside>
            }
            string folder = Path.GetDirectoryName(bound);
            string expected = Path.Combine(folder, fileName);
            if (File.Exists(expected)) return new string[0];
            return new[] { "the " + spec.HelperName + " library is not where the library looks for it: " + Quote(expected) + " does not exist"
                + (spec.HelperVariable != null ? " (put it there, or name the file in $" + spec.HelperVariable + ")" : "") };
        }

        private static string FileName(string stem)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return stem + ".dll";
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return "lib" + stem + ".dylib";
            return "lib" + stem + ".so";
        }

        // The file of the loaded library lib<stem>.so[.N] from the process's mappings (Linux), which name the file
        // mapped, symlinks resolved; null elsewhere or when it is not loaded. For the binding's own library, when
        // its loader did not load it by path.
        private static string LoadedFile(string stem)
        {
            const string maps = "/proc/self/maps";
            if (!File.Exists(maps)) return null;
            string plain = "lib" + stem + ".so";
            foreach (string line in File.ReadLines(maps))
            {
                int slash = line.IndexOf('/');
                if (slash < 0) continue;
                string path = line.Substring(slash).Trim();
                string name = Path.GetFileName(path);
                if (name != plain && !name.StartsWith(plain + ".", StringComparison.Ordinal)) continue;
                return path;
            }
            return null;
        }

        // -- busy --

        private static IEnumerable<string> BusyProblems()
        {
            NativeObject target = RunningCall.CurrentObject;
            IList<string> others = RunningCall.OthersOnCurrentObject();
            if (target == null || others.Count == 0) return new string[0];
            string name = target.GetType().Name;
            return new[] { "this " + name + " is busy with another generation: " + string.Join("; ", others)
                + " (one " + name + " runs one generation at a time)" };
        }
    }
}
