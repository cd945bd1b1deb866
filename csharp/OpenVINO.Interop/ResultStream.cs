using System;
using System.Collections;
using System.Collections.Generic;
using System.Threading;

namespace OpenVINO.Interop
{
    /// <summary>
    /// A stream of generated text chunks (see <see cref="ChunkStream{TStatus}"/>: nothing runs until enumeration
    /// starts, leaving early stops the generation) that also keeps what the generation returned: once an enumeration
    /// has ended (to the end, or left early: then the results of the stopped generation), <see cref="Results"/> and
    /// <see cref="PerfMetrics"/> hold them. Each enumeration runs a new generation and replaces them.
    /// </summary>
    /// <typeparam name="TResult">The results of one generation.</typeparam>
    /// <typeparam name="TMetrics">Their performance metrics.</typeparam>
    public sealed class ResultStream<TResult, TMetrics> : IEnumerable<string>, IAsyncEnumerable<string> where TResult : class
    {
        private readonly Func<TResult, TMetrics> metricsOf;
        private IEnumerable<string> chunks;
        private IAsyncEnumerable<string> asyncChunks;
        private TResult results;

        /// <summary>A stream whose results give their metrics through <paramref name="metricsOf"/>; <c>Attach</c> gives it its chunks (support for generated code).</summary>
        public ResultStream(Func<TResult, TMetrics> metricsOf)
        {
            this.metricsOf = metricsOf;
        }

        /// <summary>The chunk stream this one enumerates (set once, before it is handed out).</summary>
        public ResultStream<TResult, TMetrics> Attach<TChunks>(TChunks stream) where TChunks : IEnumerable<string>, IAsyncEnumerable<string>
        {
            chunks = stream;
            asyncChunks = stream;
            return this;
        }

        /// <summary>Called by the generation when it returns (support for generated code).</summary>
        public void Complete(TResult value)
        {
            Volatile.Write(ref results, value);
        }

        /// <summary>What the last finished generation returned.</summary>
        /// <exception cref="InvalidOperationException">No enumeration of this stream has ended yet.</exception>
        public TResult Results
        {
            get
            {
                TResult value = Volatile.Read(ref results);
                if (value == null)
                    throw new InvalidOperationException("the stream has no results yet: they exist once an enumeration of it has ended (enumerate it to the end, or leave the loop)");
                return value;
            }
        }

        /// <summary>The performance metrics of <see cref="Results"/>.</summary>
        /// <exception cref="InvalidOperationException">No enumeration of this stream has ended yet.</exception>
        public TMetrics PerfMetrics
        {
            get { return metricsOf(Results); }
        }

        /// <summary>Starts a generation when enumeration starts.</summary>
        public IEnumerator<string> GetEnumerator()
        {
            return chunks.GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator()
        {
            return GetEnumerator();
        }

        /// <summary>Starts a generation when enumeration starts; <paramref name="cancellationToken"/> cancels it.</summary>
        public IAsyncEnumerator<string> GetAsyncEnumerator(CancellationToken cancellationToken = default(CancellationToken))
        {
            return asyncChunks.GetAsyncEnumerator(cancellationToken);
        }
    }
}
