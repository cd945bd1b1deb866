// Text generation with a local LLM through OpenVINO GenAI, made with `dotnet new genai-lib`.
using System;
using System.Collections.Generic;
using OpenVINO.GenAI;

namespace GenAILibrary
{
    /// <summary>
    /// Generates text with one local LLM. Calls on one instance are serialised (a pipeline runs one
    /// generation at a time); dispose it to release the model.
    /// </summary>
    public sealed class TextGenerator : IDisposable
    {
        private readonly LLMPipeline pipeline;
        private readonly object gate = new object();

        /// <summary>Loads the model in <paramref name="modelPath"/> (an OpenVINO model folder or a .gguf file) on <paramref name="device"/>.</summary>
        public TextGenerator(string modelPath, string device)
        {
            pipeline = new LLMPipeline(modelPath, device);
            MaxNewTokens = 256;
        }

        /// <summary>The most tokens one answer may have.</summary>
        public int MaxNewTokens { get; set; }

        /// <summary>The OpenVINO GenAI version found at run time (null when older than these bindings support).</summary>
        public static string LibraryVersion
        {
            get { return ApiVersion.Installed; }
        }

        /// <summary>The whole answer to <paramref name="prompt"/>.</summary>
        public string Generate(string prompt)
        {
            return Generate(prompt, null);
        }

        /// <summary>The whole answer to <paramref name="prompt"/>, also handing each piece to <paramref name="onChunk"/> as it arrives.</summary>
        public string Generate(string prompt, Action<string> onChunk)
        {
            if (prompt == null)
            {
                throw new ArgumentNullException("prompt");
            }
            lock (gate)
            {
                var config = NewConfig();
                DecodedResults results = onChunk == null ? pipeline.Generate(prompt, config) : pipeline.Generate(prompt, config, onChunk);
                return results.ToString();
            }
        }

        /// <summary>The answer to <paramref name="prompt"/> piece by piece, as it is generated.</summary>
        public IEnumerable<string> Stream(string prompt)
        {
            if (prompt == null)
            {
                throw new ArgumentNullException("prompt");
            }
            return StreamChunks(prompt);
        }

        private IEnumerable<string> StreamChunks(string prompt)
        {
            foreach (string chunk in pipeline.Stream(prompt, NewConfig()))
            {
                yield return chunk;
            }
        }

        private GenerationConfig NewConfig()
        {
            var config = new GenerationConfig();
            config.MaxNewTokens = MaxNewTokens;
            return config;
        }

        /// <summary>Releases the model.</summary>
        public void Dispose()
        {
            pipeline.Dispose();
        }
    }
}
