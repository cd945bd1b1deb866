/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * ov_genai_llm_pipeline_* and ov_genai_decoded_results_*.
 */
#include <stdlib.h>

#include "double.h"

struct ov_genai_decoded_results_opaque {
    object_header header;
    char *text;
    perf_values perf;
};

struct ov_genai_llm_pipeline_opaque {
    object_header header;
    text_session session;
};

static bool is_results(const ov_genai_decoded_results *results) {
    return object_is(results, KIND_DECODED_RESULTS);
}

static bool is_pipeline(const ov_genai_llm_pipeline *pipe) {
    return object_is(pipe, KIND_LLM_PIPELINE);
}

static ov_genai_decoded_results *new_results(char *text, const perf_values *perf) {
    ov_genai_decoded_results *results = object_new(sizeof *results, KIND_DECODED_RESULTS);
    if (!results) {
        free(text);
        return NULL;
    }
    results->text = text;
    results->perf = *perf;
    return results;
}

ov_status_e ov_genai_decoded_results_create(ov_genai_decoded_results **results) {
    if (!results) {
        return INVALID_C_PARAM;
    }
    perf_values empty = {0};
    char *text = string_duplicate("");
    *results = text ? new_results(text, &empty) : NULL;
    return *results ? OK : UNKNOW_EXCEPTION;
}

void ov_genai_decoded_results_free(ov_genai_decoded_results *results) {
    if (!is_results(results)) {
        return;
    }
    free(results->text);
    object_delete(results);
}

ov_status_e ov_genai_decoded_results_get_perf_metrics(const ov_genai_decoded_results *results,
                                                      ov_genai_perf_metrics **metrics) {
    if (!is_results(results) || !metrics) {
        return INVALID_C_PARAM;
    }
    *metrics = perf_metrics_new(&results->perf);
    return *metrics ? OK : UNKNOW_EXCEPTION;
}

void ov_genai_decoded_results_perf_metrics_free(ov_genai_perf_metrics *metrics) {
    if (object_is(metrics, KIND_PERF_METRICS)) {
        object_delete(metrics);
    }
}

ov_status_e ov_genai_decoded_results_get_string(const ov_genai_decoded_results *results, char *output,
                                                size_t *output_size) {
    if (!is_results(results) || !output_size) {
        return INVALID_C_PARAM;
    }
    return (ov_status_e)copy_out_string(results->text, output, output_size, OK, OUT_OF_BOUNDS);
}

ov_status_e ov_genai_llm_pipeline_create(const char *models_path, const char *device, const size_t property_args_size,
                                         ov_genai_llm_pipeline **pipe, ...) {
    if (!pipe) {
        return INVALID_C_PARAM;
    }
    pipeline_options options;
    va_list properties;
    va_start(properties, pipe);
    ov_status_e status = read_pipeline_arguments(models_path, device, property_args_size, &properties, &options);
    va_end(properties);
    if (status != OK) {
        return status;
    }
    ov_genai_llm_pipeline *created = object_new(sizeof *created, KIND_LLM_PIPELINE);
    if (!created) {
        return UNKNOW_EXCEPTION;
    }
    if (!text_session_init(&created->session, &options)) {
        text_session_destroy(&created->session);
        object_delete(created);
        return UNKNOW_EXCEPTION;
    }
    *pipe = created;
    return OK;
}

void ov_genai_llm_pipeline_free(ov_genai_llm_pipeline *pipe) {
    if (!is_pipeline(pipe)) {
        return;
    }
    text_session_destroy(&pipe->session);
    object_delete(pipe);
}

static ov_status_e generate(ov_genai_llm_pipeline *pipe, const text_input *input,
                            const ov_genai_generation_config *config, const streamer_callback *streamer,
                            ov_genai_decoded_results **results) {
    ov_status_e status = check_generate_arguments(config, streamer, results != NULL);
    if (status != OK) {
        return status;
    }
    char *text = NULL;
    perf_values perf;
    status = text_session_generate(&pipe->session, input, config, streamer, &text, &perf);
    if (status != OK) {
        return status;
    }
    if (!results) {
        free(text);
        return OK;
    }
    *results = new_results(text, &perf);
    return *results ? OK : UNKNOW_EXCEPTION;
}

ov_status_e ov_genai_llm_pipeline_generate(ov_genai_llm_pipeline *pipe, const char *inputs,
                                           const ov_genai_generation_config *config,
                                           const streamer_callback *streamer, ov_genai_decoded_results **results) {
    if (!is_pipeline(pipe) || !inputs) {
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
    if (!is_pipeline(pipe) || !object_is(history, KIND_CHAT_HISTORY)) {
        return INVALID_C_PARAM;
    }
    text_input input = {.history = history->messages};
    return generate(pipe, &input, config, streamer, results);
}

ov_status_e ov_genai_llm_pipeline_start_chat(ov_genai_llm_pipeline *pipe) {
    return is_pipeline(pipe) ? text_session_set_chat(&pipe->session, true) : INVALID_C_PARAM;
}

ov_status_e ov_genai_llm_pipeline_finish_chat(ov_genai_llm_pipeline *pipe) {
    return is_pipeline(pipe) ? text_session_set_chat(&pipe->session, false) : INVALID_C_PARAM;
}

ov_status_e ov_genai_llm_pipeline_get_generation_config(const ov_genai_llm_pipeline *pipe,
                                                        ov_genai_generation_config **config) {
    if (!is_pipeline(pipe) || !config) {
        return INVALID_C_PARAM;
    }
    /* the session lock is internal state, not the pipeline's observable value */
    return text_session_get_config((text_session *)&pipe->session, config);
}

ov_status_e ov_genai_llm_pipeline_set_generation_config(ov_genai_llm_pipeline *pipe,
                                                        ov_genai_generation_config *config) {
    if (!is_pipeline(pipe) || !object_is(config, KIND_GENERATION_CONFIG)) {
        return INVALID_C_PARAM;
    }
    return text_session_set_config(&pipe->session, config);
}
