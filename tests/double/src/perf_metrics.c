/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * ov_genai_perf_metrics_*: synthetic, deterministic timings (milliseconds) that look like a
 * small model on a CPU. Token counts are the real counts of the double's generation.
 */
#include <math.h>

#include "double.h"

#define TOKENIZE_MS_PER_TOKEN 0.02
#define PREFILL_MS 4.0
#define PREFILL_MS_PER_TOKEN 0.25
#define DECODE_MS_PER_TOKEN 2.0
#define DETOKENIZE_MS_PER_TOKEN 0.01
#define CHAT_TEMPLATE_MS 0.05

void metric_add_sample(metric_samples *metric, double value, double times) {
    metric->count += times;
    metric->sum += value * times;
    metric->sum_squares += value * value * times;
}

static void metric_merge(metric_samples *left, const metric_samples *right) {
    left->count += right->count;
    left->sum += right->sum;
    left->sum_squares += right->sum_squares;
}

static void metric_read(const metric_samples *metric, float *mean, float *std) {
    if (metric->count <= 0) { /* no samples: upstream reports -1 */
        *mean = -1.0f;
        *std = -1.0f;
        return;
    }
    double average = metric->sum / metric->count;
    double variance = metric->sum_squares / metric->count - average * average;
    *mean = (float)average;
    *std = (float)(variance > 0 ? sqrt(variance) : 0.0);
}

void perf_values_for_generation(perf_values *values, float load_time, size_t input_tokens, size_t generated_tokens) {
    double ttft = PREFILL_MS + PREFILL_MS_PER_TOKEN * (double)input_tokens;
    double decode_steps = generated_tokens > 1 ? (double)(generated_tokens - 1) : 0.0;
    double tokenization = TOKENIZE_MS_PER_TOKEN * (double)(input_tokens + 1);
    double detokenization = DETOKENIZE_MS_PER_TOKEN * (double)(generated_tokens + 1);
    double inference = ttft + DECODE_MS_PER_TOKEN * decode_steps;
    *values = (perf_values){0};
    values->load_time = load_time;
    values->num_input_tokens = input_tokens;
    values->num_generated_tokens = generated_tokens;
    metric_add_sample(&values->ttft, ttft, 1);
    if (decode_steps > 0) {
        metric_add_sample(&values->tpot, DECODE_MS_PER_TOKEN, decode_steps);
        metric_add_sample(&values->ipot, DECODE_MS_PER_TOKEN, decode_steps);
    }
    metric_add_sample(&values->inference, inference, 1);
    metric_add_sample(&values->tokenization, tokenization, 1);
    metric_add_sample(&values->detokenization, detokenization, 1);
    metric_add_sample(&values->chat_template, CHAT_TEMPLATE_MS, 1);
    metric_add_sample(&values->generate, inference + tokenization + detokenization + CHAT_TEMPLATE_MS, 1);
}

ov_genai_perf_metrics *perf_metrics_new(const perf_values *values) {
    ov_genai_perf_metrics *metrics = object_new(sizeof *metrics, KIND_PERF_METRICS);
    if (metrics) {
        metrics->values = *values;
    }
    return metrics;
}

static bool is_metrics(const ov_genai_perf_metrics *metrics) {
    return object_is(metrics, KIND_PERF_METRICS);
}

ov_status_e ov_genai_perf_metrics_get_load_time(const ov_genai_perf_metrics *metrics, float *load_time) {
    if (!is_metrics(metrics) || !load_time) {
        return INVALID_C_PARAM;
    }
    *load_time = metrics->values.load_time;
    return OK;
}

ov_status_e ov_genai_perf_metrics_get_num_generation_tokens(const ov_genai_perf_metrics *metrics,
                                                            size_t *num_generation_tokens) {
    if (!is_metrics(metrics) || !num_generation_tokens) {
        return INVALID_C_PARAM;
    }
    *num_generation_tokens = metrics->values.num_generated_tokens;
    return OK;
}

ov_status_e ov_genai_perf_metrics_get_num_input_tokens(const ov_genai_perf_metrics *metrics,
                                                       size_t *num_input_tokens) {
    if (!is_metrics(metrics) || !num_input_tokens) {
        return INVALID_C_PARAM;
    }
    *num_input_tokens = metrics->values.num_input_tokens;
    return OK;
}

#define MEAN_STD_GETTER(function, field)                                                   \
    ov_status_e function(const ov_genai_perf_metrics *metrics, float *mean, float *std) { \
        if (!is_metrics(metrics) || !mean || !std) {                                      \
            return INVALID_C_PARAM;                                                       \
        }                                                                                 \
        metric_read(&metrics->values.field, mean, std);                                   \
        return OK;                                                                        \
    }

MEAN_STD_GETTER(ov_genai_perf_metrics_get_ttft, ttft)
MEAN_STD_GETTER(ov_genai_perf_metrics_get_tpot, tpot)
MEAN_STD_GETTER(ov_genai_perf_metrics_get_ipot, ipot)
MEAN_STD_GETTER(ov_genai_perf_metrics_get_inference_duration, inference)
MEAN_STD_GETTER(ov_genai_perf_metrics_get_generate_duration, generate)
MEAN_STD_GETTER(ov_genai_perf_metrics_get_tokenization_duration, tokenization)
MEAN_STD_GETTER(ov_genai_perf_metrics_get_detokenization_duration, detokenization)
MEAN_STD_GETTER(ov_genai_perf_metrics_get_chat_template_duration, chat_template)

ov_status_e ov_genai_perf_metrics_get_throughput(const ov_genai_perf_metrics *metrics, float *mean, float *std) {
    if (!is_metrics(metrics) || !mean || !std) {
        return INVALID_C_PARAM;
    }
    /* tokens per second over the time spent decoding, as upstream derives it from tpot */
    float tpot_mean, tpot_std;
    metric_read(&metrics->values.tpot, &tpot_mean, &tpot_std);
    *mean = tpot_mean > 0 ? 1000.0f / tpot_mean : 0.0f;
    *std = 0.0f;
    return OK;
}

ov_status_e ov_genai_perf_metrics_add_in_place(ov_genai_perf_metrics *left, const ov_genai_perf_metrics *right) {
    if (!is_metrics(left) || !is_metrics(right)) {
        return INVALID_C_PARAM;
    }
    perf_values *sum = &left->values;
    const perf_values *other = &right->values;
    sum->num_generated_tokens += other->num_generated_tokens;
    sum->num_input_tokens += other->num_input_tokens;
    metric_merge(&sum->ttft, &other->ttft);
    metric_merge(&sum->tpot, &other->tpot);
    metric_merge(&sum->ipot, &other->ipot);
    metric_merge(&sum->inference, &other->inference);
    metric_merge(&sum->generate, &other->generate);
    metric_merge(&sum->tokenization, &other->tokenization);
    metric_merge(&sum->detokenization, &other->detokenization);
    metric_merge(&sum->chat_template, &other->chat_template);
    return OK;
}
