using System;
using System.Collections.Generic;

namespace OpenVINO.GenAI
{
    public sealed partial class DecodedResults
    {
        /// <summary>The generated text (<see cref="GetString"/>).</summary>
        public override string ToString()
        {
            return GetString();
        }
    }

    public sealed partial class VLMDecodedResults
    {
        /// <summary>The generated text (<see cref="GetString"/>).</summary>
        public override string ToString()
        {
            return GetString();
        }
    }

    public sealed partial class WhisperDecodedResults
    {
        /// <summary>The transcribed text (<see cref="GetString"/>).</summary>
        public override string ToString()
        {
            return GetString();
        }

        /// <summary>Every text candidate, in order (<see cref="GetTextAt"/> for each index).</summary>
        public IReadOnlyList<string> Texts
        {
            get
            {
                ulong count = TextsCount;
                var texts = new List<string>();
                for (ulong i = 0; i < count; i++) texts.Add(GetTextAt(i));
                return texts;
            }
        }

        /// <summary>The score of every text candidate, in order.</summary>
        public IReadOnlyList<float> Scores
        {
            get
            {
                ulong count = TextsCount;
                var scores = new List<float>();
                for (ulong i = 0; i < count; i++) scores.Add(GetScoreAt(i));
                return scores;
            }
        }

        /// <summary>
        /// The timestamped chunks (empty unless timestamps were requested). Each is a native object:
        /// dispose them when done.
        /// </summary>
        public IReadOnlyList<WhisperDecodedResultChunk> GetChunks()
        {
            var chunks = new List<WhisperDecodedResultChunk>();
            if (!HasChunks) return chunks;
            ulong count = ChunksCount;
            try
            {
                for (ulong i = 0; i < count; i++) chunks.Add(GetChunkAt(i));
            }
            catch
            {
                foreach (var chunk in chunks) chunk.Dispose();
                throw;
            }
            return chunks;
        }
    }

    public sealed partial class WhisperDecodedResultChunk
    {
        /// <summary>The chunk's text (<see cref="GetText"/>).</summary>
        public string Text
        {
            get { return GetText(); }
        }

        /// <summary>For example <c>[0.00 - 1.50] text</c>.</summary>
        public override string ToString()
        {
            return string.Format(System.Globalization.CultureInfo.InvariantCulture, "[{0:0.00} - {1:0.00}] {2}", StartTs, EndTs, GetText());
        }
    }
}
