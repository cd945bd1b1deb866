using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.InteropServices;

namespace OpenVINO.Interop
{
    /// <summary>
    /// Finds the native library of one binding (its <c>DllImport</c> name, e.g. <c>openvino_genai_c</c>) and the
    /// libraries it brings along. Each binding assembly has one instance, made by its generated <c>NativeLibraryLoader</c>.
    /// <para>
    /// On .NET Core / .NET 5+ a <c>DllImportResolver</c> searches, in order: the install named by
    /// <see cref="EnvironmentVariables"/> (e.g. <c>OPENVINO_GENAI_DIR</c>: the root of an archive, with
    /// <c>runtime/lib/intel64</c>, or any folder with a <c>lib</c> subfolder or the library itself, unversioned
    /// or versioned such as <c>libopenvino_genai_c.so.2630</c>), the folder the main library was found in,
    /// this assembly's folder, then the runtime's default probing (<c>LD_LIBRARY_PATH</c>, <c>PATH</c>, ...).
    /// </para>
    /// <para>
    /// Mono asks no resolver: it binds a <c>DllImport</c> name when it compiles the method that calls it. So on Mono
    /// <see cref="Initialize"/>, which every class of this binding runs from its static constructor before any of its
    /// native calls is compiled, loads the library the same search finds (the libraries it needs from the same
    /// folders first, by full path, as the GenAI libraries have no RUNPATH) and maps the <c>DllImport</c> name to
    /// that file in Mono's global dllmap. A <c>dllmap</c> in <c>&lt;binding&gt;.dll.config</c> wins over that mapping;
    /// with nothing found Mono searches as usual (<c>LD_LIBRARY_PATH</c>, ...). A load failure on either runtime
    /// says what was searched and how to fix it.
    /// </para>
    /// </summary>
    public sealed class LibraryLoader
    {
        /// <summary>
        /// The loader of <paramref name="library"/> (the <c>DllImport</c> name) for the binding in
        /// <paramref name="binding"/>, the assembly whose <c>DllImport</c>s it resolves.
        /// </summary>
        /// <param name="library">The name every <c>DllImport</c> of the binding uses.</param>
        /// <param name="title">The library's name for people (in messages), e.g. <c>OpenVINO GenAI</c>.</param>
        /// <param name="apiVersion">The API version the binding was generated from (in messages).</param>
        /// <param name="environmentVariables">Environment variables naming an install, searched first.</param>
        /// <param name="binding">The binding's assembly.</param>
        public LibraryLoader(string library, string title, string apiVersion, string[] environmentVariables, Assembly binding)
        {
            if (library == null) throw new ArgumentNullException(nameof(library));
            if (binding == null) throw new ArgumentNullException(nameof(binding));
            Library = library;
            Title = title ?? library;
            ApiVersion = apiVersion ?? "unknown";
            EnvironmentVariables = Array.AsReadOnly((string[])(environmentVariables ?? new string[0]).Clone());
            this.binding = binding;
            bindingName = binding.GetName().Name;
        }

        /// <summary>The name every <c>DllImport</c> of the binding uses.</summary>
        public string Library { get; private set; }

        /// <summary>The library's name for people, e.g. <c>OpenVINO GenAI</c>.</summary>
        public string Title { get; private set; }

        /// <summary>The API version the binding was generated from.</summary>
        public string ApiVersion { get; private set; }

        /// <summary>Environment variables naming an install of the library, searched first.</summary>
        public IList<string> EnvironmentVariables { get; private set; }

        private readonly Assembly binding;
        private readonly string bindingName;

        /// <summary>The folder of the binding's assembly (null when it was loaded from memory).</summary>
        internal string BindingFolder
        {
            get
            {
                string location = binding.Location;
                return string.IsNullOrEmpty(location) ? null : Path.GetDirectoryName(location);
            }
        }

        // Where installs keep their libraries (archive layouts first, then plain ones).
        private static readonly string[] InstallFolders =
        {
            "runtime/lib/intel64", "runtime/lib/intel64/Release", "runtime/lib/aarch64", "runtime/lib/arm64",
            "runtime/bin/intel64/Release", "runtime/lib", "runtime/3rdparty/tbb/lib", "lib", "lib64", "bin", "",
        };

        private volatile bool initialized;
        private readonly object gate = new object();
        private readonly Dictionary<string, IntPtr> loaded = new Dictionary<string, IntPtr>();
        private readonly Dictionary<string, string> loadedPaths = new Dictionary<string, string>();
        private string mainFolder;

        /// <summary>True when running on Mono.</summary>
        public static bool IsMono
        {
            get { return Type.GetType("Mono.Runtime") != null; }
        }

        /// <summary>
        /// Prepares loading of the native library, once. Every class of this binding calls it from its static
        /// constructor. On .NET Core / .NET 5+ it installs the resolver; on runtimes without <c>NativeLibrary</c>
        /// and not Mono (.NET Framework) it does nothing. On Mono it loads the library found by <see cref="Candidates"/>
        /// and maps the <c>DllImport</c> name to it (see the class summary). Mono binds a native call when it
        /// compiles the calling method, so code that calls a binding's <c>NativeMethods</c> directly on Mono
        /// should call this first, from a method that itself makes no native call (e.g. at the start of Main).
        /// </summary>
        public void Initialize()
        {
            if (initialized) return;
            lock (gate)
            {
                if (initialized) return;
                initialized = true;  // first, so a call from within the preparation returns at once
                // Before any native call of the binding: the exit must know of every generation (see RunningCall).
                RunningCall.Install();
                if (IsMono) PrepareMono();
                else RegisterResolver();
            }
        }

        /// <summary>The files tried for <paramref name="libraryName"/> before default probing, in order.</summary>
        public IList<string> Candidates(string libraryName)
        {
            var files = new List<string>();
            foreach (string folder in SearchFolders())
            {
                foreach (string name in FileNames(libraryName))
                {
                    string path = Path.Combine(folder, name);
                    if (File.Exists(path) && !files.Contains(path)) files.Add(path);
                }
                // Versioned names only (e.g. libopenvino_c.so.2630 in the pip wheel), shortest suffix first.
                if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
                {
                    string stem = "lib" + libraryName + (RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "." : ".so.");
                    foreach (string path in Directory.GetFiles(folder, stem + "*").OrderBy(p => p.Length).ThenBy(p => p, StringComparer.Ordinal))
                    {
                        if (!files.Contains(path)) files.Add(path);
                    }
                }
            }
            return files;
        }

        /// <summary>The folders searched before default probing, in order (existing ones only).</summary>
        public IList<string> SearchFolders()
        {
            var folders = new List<string>();
            foreach (string variable in EnvironmentVariables)
            {
                string root = Environment.GetEnvironmentVariable(variable);
                if (string.IsNullOrEmpty(root)) continue;
                foreach (string sub in InstallFolders)
                {
                    string folder = sub.Length == 0 ? root : Path.Combine(root, sub.Replace('/', Path.DirectorySeparatorChar));
                    if (Directory.Exists(folder)) folders.Add(folder);
                }
            }
            lock (gate)
            {
                if (mainFolder != null) folders.Add(mainFolder);
            }
            string here = Path.GetDirectoryName(binding.Location);
            if (!string.IsNullOrEmpty(here)) folders.Add(here);
            if (!string.IsNullOrEmpty(here))
            {
                // NuGet's layout for native assets, also what an app ships: runtimes/<rid>/native beside the assembly.
                string native = Path.Combine(Path.Combine(Path.Combine(here, "runtimes"), RuntimeIdentifier), "native");
                if (Directory.Exists(native)) folders.Add(native);
            }
            return folders.Distinct().ToList();
        }

        /// <summary>This process's runtime identifier as NuGet names <c>runtimes/&lt;rid&gt;/native</c> folders (linux-x64, win-x64, osx-arm64, ...).</summary>
        public static string RuntimeIdentifier
        {
            get
            {
                string os = RuntimeInformation.IsOSPlatform(OSPlatform.Windows) ? "win"
                    : RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "osx" : "linux";
                switch (RuntimeInformation.ProcessArchitecture)
                {
                    case Architecture.X64: return os + "-x64";
                    case Architecture.Arm64: return os + "-arm64";
                    case Architecture.X86: return os + "-x86";
                    case Architecture.Arm: return os + "-arm";
                    default: return os + "-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
                }
            }
        }

        internal static IEnumerable<string> FileNames(string libraryName)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return new[] { libraryName + ".dll" };
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return new[] { "lib" + libraryName + ".dylib" };
            return new[] { "lib" + libraryName + ".so" };
        }

        /// <summary>Loads <paramref name="libraryName"/> as the resolver would and returns its OS handle.</summary>
        public IntPtr Load(string libraryName)
        {
            return Resolve(libraryName, binding, null);
        }

        /// <summary>The file <paramref name="libraryName"/> was loaded from by this loader, or null (not loaded, or by the runtime's default search).</summary>
        public string LoadedPath(string libraryName)
        {
            lock (gate)
            {
                string path;
                return loadedPaths.TryGetValue(libraryName, out path) ? path : null;
            }
        }

        /// <summary>
        /// Loads <paramref name="libraryName"/> (e.g. <c>openvino_c</c>: <c>libopenvino_c.so</c>, or a versioned
        /// <c>libopenvino_c.so.2630</c>) from <paramref name="folder"/> only, the libraries it needs first (as
        /// <see cref="Load"/> does); its OS handle, or <see cref="IntPtr.Zero"/> when it is not there or does not load.
        /// </summary>
        public IntPtr LoadFromFolder(string libraryName, string folder)
        {
            foreach (string path in FilesIn(libraryName, folder))
            {
                PreloadDependencies(path, new HashSet<string>());
                IntPtr handle;
                if (TryLoadPath(path, out handle)) return handle;
            }
            return IntPtr.Zero;
        }

        /// <summary>Like <see cref="LoadFromFolder"/> without a loader: dlopen of the file alone.</summary>
        public static IntPtr OpenInFolder(string libraryName, string folder)
        {
            foreach (string path in FilesIn(libraryName, folder))
            {
                IntPtr handle = Dl.Open(path, Dl.Lazy);
                if (handle != IntPtr.Zero) return handle;
            }
            return IntPtr.Zero;
        }

        // The files of a library in one folder: its plain name, then versioned names, shortest suffix first.
        private static IList<string> FilesIn(string libraryName, string folder)
        {
            var files = new List<string>();
            if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder)) return files;
            foreach (string name in FileNames(libraryName))
            {
                string path = Path.Combine(folder, name);
                if (File.Exists(path)) files.Add(path);
            }
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                string stem = "lib" + libraryName + (RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? "." : ".so.");
                foreach (string path in Directory.GetFiles(folder, stem + "*").OrderBy(p => p.Length).ThenBy(p => p, StringComparer.Ordinal))
                {
                    if (!files.Contains(path)) files.Add(path);
                }
            }
            return files;
        }

        /// <summary>The address of an exported symbol (e.g. a global variable) of <paramref name="libraryName"/>.</summary>
        public IntPtr GetExport(string libraryName, string symbol)
        {
            IntPtr address = IsMono ? MonoExport(libraryName, symbol) : InvokeNativeLibrary<IntPtr>("GetExport", new object[] { Load(libraryName), symbol });
            if (address == IntPtr.Zero) throw new EntryPointNotFoundException(symbol + " is not exported by " + libraryName);
            return address;
        }

        private IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        {
            lock (gate)
            {
                IntPtr known;
                if (loaded.TryGetValue(libraryName, out known)) return known;
            }
            var tried = new List<string>();
            foreach (string path in Candidates(libraryName))
            {
                IntPtr handle;
                PreloadDependencies(path, new HashSet<string>());
                if (TryLoadPath(path, out handle))
                {
                    Remember(libraryName, path, handle);
                    return handle;
                }
                // NativeLibrary.TryLoad says no more than false: ask the dynamic loader why (e.g. invalid ELF header).
                string reason = LoadFailure(path);
                tried.Add(reason == null ? path : path + ": " + reason);
            }
            IntPtr fallback;
            if (!IsMono && TryLoadDefault(libraryName, assembly, searchPath, out fallback))
            {
                Remember(libraryName, null, fallback);
                return fallback;
            }
            tried.Add("the runtime's default search for '" + libraryName + "' (application folder, " + SystemSearchPath() + ")");
            throw new DllNotFoundException(Explanation(libraryName, tried));
        }

        private void Remember(string libraryName, string path, IntPtr handle)
        {
            lock (gate)
            {
                loaded[libraryName] = handle;
                if (path != null) loadedPaths[libraryName] = path;
                if (path != null && libraryName == Library) mainFolder = Path.GetDirectoryName(path);
            }
        }

        private static string SystemSearchPath()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return "PATH";
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) return "DYLD_LIBRARY_PATH";
            return "LD_LIBRARY_PATH and the ldconfig cache";
        }

        private string Explanation(string libraryName, IList<string> tried)
        {
            var lines = new List<string>();
            lines.Add("Could not load the native library '" + libraryName + "' (" + Title + " C API).");
            foreach (string variable in EnvironmentVariables)
            {
                string value = Environment.GetEnvironmentVariable(variable);
                lines.Add(variable + (string.IsNullOrEmpty(value) ? " is not set." : "=" + value));
            }
            lines.Add("Searched:");
            foreach (string entry in tried) lines.Add("  " + entry);
            lines.Add("Fix: set " + EnvironmentVariables[0] + " to the root of an install (the folder holding runtime/lib/intel64), "
                + "or add its library folder to " + SystemSearchPath() + ".");
            return string.Join(Environment.NewLine, lines);
        }

        /// <summary>
        /// A load failure with what was searched and how to fix it (Mono reports only the name). Failures this
        /// loader already explained are returned unchanged.
        /// </summary>
        public Exception Explain(DllNotFoundException failure)
        {
            if (failure.Message.StartsWith("Could not load the native library '", StringComparison.Ordinal)) return failure;
            string library = Library;
            var lines = new List<string>();
            lines.Add("Could not load the native library '" + library + "' (" + Title + " C API): " + failure.Message);
            foreach (string variable in EnvironmentVariables)
            {
                string value = Environment.GetEnvironmentVariable(variable);
                lines.Add(variable + (string.IsNullOrEmpty(value) ? " is not set." : "=" + value));
            }
            string mapped, loadError, problem;
            lock (gate)
            {
                mapped = monoMapped;
                loadError = monoLoadError;
                problem = monoProblem;
            }
            string configured = IsMono ? ConfigMapping(library) : null;
            IList<string> found = Candidates(library);
            if (configured != null)
            {
                lines.Add(bindingName + ".dll.config maps it to '" + configured + "', and Mono follows a dllmap there before anything else.");
                lines.Add("Fix: correct that dllmap (give it the absolute path of the library) or remove it.");
            }
            else if (mapped != null)
            {
                // Initialize mapped the name, but Mono had compiled this call before it ran.
                lines.Add("It was mapped to " + mapped + ", but Mono binds a native call when it compiles the calling method,"
                    + " and this one was compiled before NativeLibraryLoader.Initialize() ran.");
                lines.Add("Fix: call NativeLibraryLoader.Initialize() first (e.g. at the start of Main) when calling NativeMethods directly.");
            }
            else if (found.Count > 0 && loadError != null)
            {
                lines.Add("A library is at " + found[0] + ", but loading it failed: " + loadError);
                lines.Add("Fix: put the libraries it needs in " + Path.GetDirectoryName(found[0]) + " (where they are loaded from first)"
                    + " or add their folder to " + SystemSearchPath() + ".");
            }
            else if (found.Count > 0)
            {
                lines.Add("A library is at " + found[0] + ", but " + (problem ?? (IsMono ? "Mono" : "this runtime")
                    + " resolves DllImport names itself (dllmap, then " + SystemSearchPath() + ")") + ".");
                lines.Add("Fix: start the program with LD_LIBRARY_PATH=" + Path.GetDirectoryName(found[0])
                    + " (that folder must also hold the libraries it depends on), or map '" + library + "' to " + found[0]
                    + " in " + bindingName + ".dll.config next to " + bindingName + ".dll.");
            }
            else
            {
                lines.Add("Searched: " + (SearchFolders().Count > 0 ? string.Join(", ", SearchFolders()) + " (no " + string.Join(" or ", FileNames(library)) + "), " : "")
                    + (IsMono ? bindingName + ".dll.config (dllmap), " : "") + "the application folder, " + SystemSearchPath() + ".");
                lines.Add("Fix: set " + EnvironmentVariables[0] + " to the root of an install (the folder holding runtime/lib/intel64), "
                    + "or add its library folder to " + SystemSearchPath() + ".");
            }
            return new DllNotFoundException(string.Join(Environment.NewLine, lines), failure);
        }

        /// <summary>A missing function: the library found is older than the API this binding was generated from.</summary>
        public Exception Explain(EntryPointNotFoundException failure)
        {
            return new EntryPointNotFoundException(
                "The " + Title + " library that was loaded lacks a function this binding calls; it is older than the API "
                + "the binding was generated from (" + ApiVersion + "). Use a matching library or regenerate the binding from its "
                + "headers. (" + failure.Message + ")", failure);
        }

        // -- NativeLibrary (netcoreapp3.0+), called through reflection where the build can't see it --
        private void RegisterResolver()
        {
            Type nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary");
            Type resolverType = Type.GetType("System.Runtime.InteropServices.DllImportResolver");
            if (nativeLibrary == null || resolverType == null) return;  // .NET Framework: default probing only
            MethodInfo resolve = typeof(LibraryLoader).GetMethod("Resolve", BindingFlags.NonPublic | BindingFlags.Instance);
            Delegate resolver = Delegate.CreateDelegate(resolverType, this, resolve);
            try
            {
                nativeLibrary.GetMethod("SetDllImportResolver").Invoke(null, new object[] { binding, resolver });
            }
            catch (TargetInvocationException e) when (e.InnerException is InvalidOperationException)
            {
                // A resolver is already set for this assembly (by the application): keep it.
            }
        }

        private static bool TryLoadPath(string path, out IntPtr handle)
        {
            if (IsMono)
            {
                handle = Dl.Open(path, Dl.Lazy);
                return handle != IntPtr.Zero;
            }
            var args = new object[] { path, IntPtr.Zero };
            bool ok = InvokeNativeLibrary<bool>("TryLoad", args, typeof(string), typeof(IntPtr).MakeByRefType());
            handle = (IntPtr)args[1];
            return ok;
        }

        // Why the dynamic loader refuses the file (dlerror; on Windows LoadLibrary's error), or null when it loads.
        private static string LoadFailure(string path)
        {
            try
            {
                string error;
                IntPtr handle = Dl.Open(path, Dl.Lazy, out error);
                return handle == IntPtr.Zero ? error : null;
            }
            catch (DllNotFoundException)
            {
                return null;
            }
            catch (EntryPointNotFoundException)
            {
                return null;
            }
        }

        private static bool TryLoadDefault(string libraryName, Assembly assembly, DllImportSearchPath? searchPath, out IntPtr handle)
        {
            var args = new object[] { libraryName, assembly, searchPath, IntPtr.Zero };
            bool ok = InvokeNativeLibrary<bool>("TryLoad", args, typeof(string), typeof(Assembly),
                typeof(DllImportSearchPath?), typeof(IntPtr).MakeByRefType());
            handle = (IntPtr)args[3];
            return ok;
        }

        private static T InvokeNativeLibrary<T>(string method, object[] args, params Type[] signature)
        {
            Type nativeLibrary = Type.GetType("System.Runtime.InteropServices.NativeLibrary", true);
            MethodInfo target = signature.Length > 0
                ? nativeLibrary.GetMethod(method, signature)
                : nativeLibrary.GetMethod(method, args.Select(a => a.GetType()).ToArray());
            try
            {
                return (T)target.Invoke(null, args);
            }
            catch (TargetInvocationException e)
            {
                throw e.InnerException;
            }
        }

        // -- Linux: libraries without RUNPATH (as GenAI's are) find their dependencies only on
        // LD_LIBRARY_PATH. Loading every DT_NEEDED library that sits in a search folder first, by
        // full path, lets the dynamic loader match them by soname instead. --
        private void PreloadDependencies(string path, HashSet<string> seen, List<string> loaded = null)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux)) return;
            foreach (string needed in ElfFile.Needed(path))
            {
                if (!seen.Add(needed)) continue;
                foreach (string folder in SearchFolders().Concat(new[] { Path.GetDirectoryName(path) }))
                {
                    string candidate = Path.Combine(folder, needed);
                    if (!File.Exists(candidate)) continue;
                    PreloadDependencies(candidate, seen, loaded);
                    IntPtr ignored;
                    if (TryLoadPath(candidate, out ignored) && loaded != null) loaded.Add(candidate);
                    break;
                }
            }
        }

        // -- Mono binds a DllImport name itself when it compiles a method calling it, and asks no resolver.
        // Before that (Initialize runs from the static constructors of this binding's classes) the library
        // found is loaded by full path, the libraries it needs first, and the DllImport name is mapped to
        // that file with mono_dllmap_insert, which every Mono runtime exports for embedders. The global
        // dllmap is used because the per-assembly one takes a runtime lock that must not be waited for from
        // a native call, and because an assembly's own dll.config entries should win. --
        private string monoMapped;     // the file the DllImport name is mapped to
        private string monoLoadError;  // why the first library found did not load, for Explain
        private string monoProblem;    // why a library that loaded is not mapped, for Explain

        [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
        private delegate void MonoDllMapInsert(IntPtr assembly, string dll, string function, string targetDll, string targetFunction);

        private void PrepareMono()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            string library = Library;
            try
            {
                foreach (string path in Candidates(library))
                {
                    var dependencies = new List<string>();
                    PreloadDependencies(path, new HashSet<string>(), dependencies);
                    string error;
                    IntPtr handle = Dl.Open(path, Dl.Lazy, out error);
                    if (handle == IntPtr.Zero)
                    {
                        if (monoLoadError == null) monoLoadError = error;
                        continue;
                    }
                    Remember(library, path, handle);
                    IntPtr insertAddress = MonoRuntimeExport("mono_dllmap_insert");
                    if (insertAddress == IntPtr.Zero)
                    {
                        monoProblem = "this Mono runtime exports no mono_dllmap_insert to map '" + library + "' to it";
                        return;
                    }
                    var insert = (MonoDllMapInsert)Marshal.GetDelegateForFunctionPointer(insertAddress, typeof(MonoDllMapInsert));
                    // The libraries it needs under their DllImport names as well (e.g. OpenVINO's own C library).
                    foreach (string dependency in dependencies)
                    {
                        string name = ImportName(dependency);
                        if (name != null && name != library) insert(IntPtr.Zero, name, null, dependency, null);
                    }
                    insert(IntPtr.Zero, library, null, path, null);
                    monoMapped = path;
                    monoLoadError = null;
                    return;
                }
            }
            catch (Exception e)
            {
                // Never fail a static constructor: Mono's own search still runs, and Explain reports this.
                monoProblem = "preparing it for Mono failed (" + e.GetType().FullName + ": " + e.Message + ")";
            }
        }

        /// <summary>libopenvino_c.so.2630 -> openvino_c (null for names not of that form).</summary>
        private static string ImportName(string path)
        {
            string file = Path.GetFileName(path);
            int suffix = file.IndexOf(".so", StringComparison.Ordinal);
            if (!file.StartsWith("lib", StringComparison.Ordinal) || suffix <= 3) return null;
            return file.Substring(3, suffix - 3);
        }

        // An export of the running Mono runtime, from the process's global scope: the mono launcher exports its
        // runtime's API there, and an embedder must load the runtime library there too (Mono's own
        // libmono-native resolves runtime symbols through it).
        private static IntPtr MonoRuntimeExport(string symbol)
        {
            IntPtr program = Dl.Open(null, Dl.Lazy);
            return program == IntPtr.Zero ? IntPtr.Zero : Dl.Symbol(program, symbol);
        }

        /// <summary>The target a dllmap in this assembly's .dll.config gives <paramref name="libraryName"/>, or null.</summary>
        private string ConfigMapping(string libraryName)
        {
            try
            {
                string config = binding.Location + ".config";
                if (!File.Exists(config)) return null;
                string text = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(config), "<!--.*?-->", "", System.Text.RegularExpressions.RegexOptions.Singleline);
                foreach (System.Text.RegularExpressions.Match entry in System.Text.RegularExpressions.Regex.Matches(text, "<dllmap\\s[^>]*>"))
                {
                    var dll = System.Text.RegularExpressions.Regex.Match(entry.Value, "\\sdll\\s*=\\s*\"(?:i:)?([^\"]*)\"");
                    var target = System.Text.RegularExpressions.Regex.Match(entry.Value, "\\starget\\s*=\\s*\"([^\"]*)\"");
                    if (dll.Success && target.Success && string.Equals(dll.Groups[1].Value, libraryName, StringComparison.OrdinalIgnoreCase)) return target.Groups[1].Value;
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
            return null;
        }

        private IntPtr MonoExport(string libraryName, string symbol)
        {
            var tried = new List<string>();
            foreach (string path in Candidates(libraryName).Concat(FileNames(libraryName)))
            {
                string error;
                IntPtr handle = Dl.Open(path, Dl.Now, out error);
                if (handle != IntPtr.Zero) return Dl.Symbol(handle, symbol);
                tried.Add(path + ": " + error);  // with the dynamic loader's reason, as Resolve lists them
            }
            throw new DllNotFoundException(Explanation(libraryName, tried));
        }
    }
}
