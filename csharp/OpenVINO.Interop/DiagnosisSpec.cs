using System;
using System.Collections.Generic;

namespace OpenVINO.Interop
{
    /// <summary>
    /// What <see cref="FailureDiagnosis"/> looks at when a call of a binding fails with <see cref="Status"/> and no
    /// text: which functions take a model path (and of which <see cref="ModelKind"/>) and a device, how to list
    /// the available devices, which helper library some functions load and where, which property keys are refused
    /// before a call. Rendered per binding from its library description's [diagnosis] table; support for
    /// generated code.
    /// </summary>
    public sealed class DiagnosisSpec
    {
        private readonly Dictionary<string, KeyValuePair<string, ModelKind>> modelPaths = new Dictionary<string, KeyValuePair<string, ModelKind>>();
        private readonly Dictionary<string, string> devices = new Dictionary<string, string>();
        private readonly Dictionary<string, string> refused = new Dictionary<string, string>();
        private readonly HashSet<string> helperUsers = new HashSet<string>();
        private readonly Dictionary<string, string[]> filesAtCall = new Dictionary<string, string[]>();

        /// <summary>A table for failures with status <paramref name="status"/> of the library <paramref name="loader"/> loads.</summary>
        public DiagnosisSpec(int status, LibraryLoader loader)
        {
            Status = status;
            Loader = loader;
            MetaDevices = new string[0];
        }

        /// <summary>The status that carries no text (GenAI: UNKNOW_EXCEPTION).</summary>
        public int Status { get; private set; }

        /// <summary>The binding's loader (where the library was loaded from).</summary>
        public LibraryLoader Loader { get; private set; }

        /// <summary>Devices whose name lists others after a colon (AUTO:GPU,CPU).</summary>
        public string[] MetaDevices { get; private set; }

        internal string DeviceLibrary { get; private set; }
        internal string CoreCreate { get; private set; }
        internal string CoreFree { get; private set; }
        internal string DevicesList { get; private set; }
        internal string DevicesFree { get; private set; }
        internal string HelperName { get; private set; }
        internal string HelperVariable { get; private set; }
        internal string HelperBeside { get; private set; }

        /// <summary><paramref name="function"/>'s parameter <paramref name="param"/> is the path of a model of <paramref name="kind"/>.</summary>
        public DiagnosisSpec ModelPath(string function, string param, ModelKind kind)
        {
            modelPaths[function] = new KeyValuePair<string, ModelKind>(param, kind);
            return this;
        }

        /// <summary><paramref name="function"/>'s parameter <paramref name="param"/> names a device.</summary>
        public DiagnosisSpec Device(string function, string param)
        {
            devices[function] = param;
            return this;
        }

        /// <summary>Devices whose name lists the devices they use after a colon.</summary>
        public DiagnosisSpec Meta(params string[] names)
        {
            MetaDevices = names ?? new string[0];
            return this;
        }

        /// <summary>
        /// How to list devices: <paramref name="library"/> (loaded from the folder of the binding's library) exports
        /// <c>status create(core**)</c>, <c>void free(core*)</c>, <c>status list(core*, {char** devices; size_t size}*)</c>
        /// and <c>void freeList({...}*)</c>.
        /// </summary>
        public DiagnosisSpec DeviceQuery(string library, string create, string free, string list, string freeList)
        {
            DeviceLibrary = library;
            CoreCreate = create;
            CoreFree = free;
            DevicesList = list;
            DevicesFree = freeList;
            return this;
        }

        /// <summary>
        /// <paramref name="users"/> load the library <paramref name="name"/> from the file the environment variable
        /// <paramref name="variable"/> names, else from beside the loaded library <paramref name="beside"/>.
        /// </summary>
        public DiagnosisSpec HelperLibrary(string name, string variable, string beside, params string[] users)
        {
            HelperName = name;
            HelperVariable = variable;
            HelperBeside = beside;
            foreach (string user in users ?? new string[0]) helperUsers.Add(user);
            return this;
        }

        /// <summary>
        /// <paramref name="function"/> needs <paramref name="files"/> in the model folder its object was created from
        /// (creating the object did not).
        /// </summary>
        public DiagnosisSpec ModelFilesAtCall(string function, params string[] files)
        {
            filesAtCall[function] = files ?? new string[0];
            return this;
        }

        internal bool TryModelFilesAtCall(string function, out string[] files)
        {
            return filesAtCall.TryGetValue(function, out files);
        }

        /// <summary>The property <paramref name="key"/> is refused before any call, saying <paramref name="why"/>.</summary>
        public DiagnosisSpec Refuse(string key, string why)
        {
            refused[key] = why;
            return this;
        }

        internal bool TryModelPath(string function, out KeyValuePair<string, ModelKind> entry)
        {
            return modelPaths.TryGetValue(function, out entry);
        }

        internal bool TryDevice(string function, out string param)
        {
            return devices.TryGetValue(function, out param);
        }

        internal bool LoadsHelper(string function)
        {
            return helperUsers.Contains(function);
        }

        internal bool TryRefused(string key, out string why)
        {
            return refused.TryGetValue(key, out why);
        }
    }
}
