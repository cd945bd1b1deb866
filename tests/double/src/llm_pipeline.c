/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * ov_genai_llm_pipeline_* and ov_genai_decoded_results_*: the C types mapped onto text_pipeline.c.
 */
#include "double.h"

struct ov_genai_decoded_results_opaque {
    decoded_text base;
};

struct ov_genai_llm_pipeline_opaque {
    text_pipeline base;
};

/* The opaque structs hold their shared part as first and only member, so the pointers convert. */
#define RESULTS(r) ((decoded_text *)(r))
#define PIPELINE(p) ((text_pipeline *)(p))

ov_status_e ov_genai_decoded_results_create(ov_genai_decoded_results **results) {
    decoded_text *made = NULL;
    ov_status_e status = decoded_text_create(KIND_DECODED_RESULTS, results ? &made : NULL);
    if (results) {
        *results = (ov_genai_decoded_results *)made;
    }
    return status;
}

void ov_genai_decoded_results_free(ov_genai_decoded_results *results) {
    decoded_text_free(RESULTS(results), KIND_DECODED_RESULTS);
}

ov_status_e ov_genai_decoded_results_get_perf_metrics(const ov_genai_decoded_results *results,
                                                      ov_genai_perf_metrics **metrics) {
    return decoded_text_get_perf_metrics((const decoded_text *)results, KIND_DECODED_RESULTS, metrics);
}

void ov_genai_decoded_results_perf_metrics_free(ov_genai_perf_metrics *metrics) {
    decoded_text_perf_metrics_free(metrics);
}

ov_status_e ov_genai_decoded_results_get_string(const ov_genai_decoded_results *results, char *output,
                                                size_t *output_size) {
    return decoded_text_get_string((const decoded_text *)results, KIND_DECODED_RESULTS, output, output_size);
}

ov_status_e ov_genai_llm_pipeline_create(const char *models_path, const char *device, const size_t property_args_size,
                                         ov_genai_llm_pipeline **pipe, ...) {
    text_pipeline *created = NULL;
    va_list properties;
    va_start(properties, pipe);
    ov_status_e status = text_pipeline_create(KIND_LLM_PIPELINE, models_path, device, property_args_size,
                                              &properties, pipe ? &created : NULL);
    va_end(properties);
    if (status == OK) {
        *pipe = (ov_genai_llm_pipeline *)created;
    }
    return status;
}

void ov_genai_llm_pipeline_free(ov_genai_llm_pipeline *pipe) {
    text_pipeline_free(PIPELINE(pipe), KIND_LLM_PIPELINE);
}

static ov_status_e generate(ov_genai_llm_pipeline *pipe, const text_input *input,
                            const ov_genai_generation_config *config, const streamer_callback *streamer,
                            ov_genai_decoded_results **results) {
    ov_status_e status = check_generate_arguments(config, streamer, results != NULL);
    if (status != OK) {
        return status;
    }
    decoded_text *made = NULL;
    status = text_pipeline_generate(PIPELINE(pipe), KIND_DECODED_RESULTS, input, config, streamer,
                                    results ? &made : NULL);
    if (results && status == OK) {
        *results = (ov_genai_decoded_results *)made;
    }
    return status;
}

ov_status_e ov_genai_llm_pipeline_generate(ov_genai_llm_pipeline *pipe, const char *inputs,
                                           const ov_genai_generation_config *config,
                                           const streamer_callback *streamer, ov_genai_decoded_results **results) {
    if (!object_is(pipe, KIND_LLM_PIPELINE) || !inputs) {
        return INVALID_C_PARAM;
    }
    text_input input = {.prompt = inputs};
    return generate(pipe, &input, config, streamer, results);
}

ov_status_e ov_genai_llm_pipeline_generate_with_history(ov_genai_llm_pipeline *pipe,
                                                        const ov_genai_chat_history *history,
                                                        const ov_genai_generation_config *config,
                                                        const streamer_callback *streamer,
                                                        ov_genai_decoded_results **results) {
    if (!object_is(pipe, KIND_LLM_PIPELINE) || !object_is(history, KIND_CHAT_HISTORY)) {
        return INVALID_C_PARAM;
    }
    text_input input = {.history = history->messages};
    return generate(pipe, &input, config, streamer, results);
}

ov_status_e ov_genai_llm_pipeline_start_chat(ov_genai_llm_pipeline *pipe) {
    return text_pipeline_set_chat(PIPELINE(pipe), KIND_LLM_PIPELINE, true);
}

ov_status_e ov_genai_llm_pipeline_finish_chat(ov_genai_llm_pipeline *pipe) {
    return text_pipeline_set_chat(PIPELINE(pipe), KIND_LLM_PIPELINE, false);
}

ov_status_e ov_genai_llm_pipeline_get_generation_config(const ov_genai_llm_pipeline *pipe,
                                                        ov_genai_generation_config **config) {
    return text_pipeline_get_config((const text_pipeline *)pipe, KIND_LLM_PIPELINE, config);
}

ov_status_e ov_genai_llm_pipeline_set_generation_config(ov_genai_llm_pipeline *pipe,
                                                        ov_genai_generation_config *config) {
    return text_pipeline_set_config(PIPELINE(pipe), KIND_LLM_PIPELINE, config);
}
