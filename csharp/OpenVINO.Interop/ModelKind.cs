using System;
using System.Collections.Generic;

namespace OpenVINO.Interop
{
    /// <summary>
    /// What a model of one kind is, for <see cref="FailureDiagnosis"/>: a folder holding every file of one of
    /// <see cref="FolderSets"/>, or a single file whose name ends with a suffix of <see cref="Files"/> (and whose
    /// content starts with the text given for it). Support for generated code (a binding's diagnosis table).
    /// </summary>
    public sealed class ModelKind
    {
        /// <summary>A kind called <paramref name="title"/> ("an LLM").</summary>
        public ModelKind(string title, string[][] folderSets, IDictionary<string, string> files)
            : this(title, folderSets, files, null)
        {
        }

        /// <summary>
        /// A kind called <paramref name="title"/> whose folder, for each file ending with a suffix of
        /// <paramref name="pairs"/>, also holds the file of the same stem with the paired suffix (an IR's weights).
        /// </summary>
        public ModelKind(string title, string[][] folderSets, IDictionary<string, string> files, IDictionary<string, string> pairs)
        {
            if (title == null) throw new ArgumentNullException(nameof(title));
            Title = title;
            FolderSets = folderSets ?? new string[0][];
            Files = files ?? new Dictionary<string, string>();
            Pairs = pairs ?? new Dictionary<string, string>();
        }

        /// <summary>How messages name the kind ("an LLM").</summary>
        public string Title { get; private set; }

        /// <summary>A model folder holds every file of one of these sets.</summary>
        public string[][] FolderSets { get; private set; }

        /// <summary>A single file accepted as a model: its suffix and the text it starts with.</summary>
        public IDictionary<string, string> Files { get; private set; }

        /// <summary>A file with a key's suffix needs the file of the same stem with the value's suffix beside it.</summary>
        public IDictionary<string, string> Pairs { get; private set; }
    }
}
