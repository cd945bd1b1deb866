/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * What the LLM and VLM pipelines and their decoded results share (see double.h): the entry points
 * in llm_pipeline.c and vlm_pipeline.c only map their C types and object kinds onto these.
 */
#include <stdlib.h>

#include "double.h"

static decoded_text *decoded_text_new(object_kind kind, char *text, const perf_values *perf) {
    decoded_text *results = object_new(sizeof *results, kind);
    if (!results) {
        free(text);
        return NULL;
    }
    results->text = text;
    results->perf = *perf;
    return results;
}

ov_status_e decoded_text_create(object_kind kind, decoded_text **results) {
    if (!results) {
        return INVALID_C_PARAM;
    }
    perf_values empty = {0};
    char *text = string_duplicate("");
    *results = text ? decoded_text_new(kind, text, &empty) : NULL;
    return *results ? OK : UNKNOW_EXCEPTION;
}

void decoded_text_free(decoded_text *results, object_kind kind) {
    if (!object_is(results, kind)) {
        return;
    }
    free(results->text);
    object_delete(results);
}

ov_status_e decoded_text_get_perf_metrics(const decoded_text *results, object_kind kind,
                                          ov_genai_perf_metrics **metrics) {
    if (!object_is(results, kind) || !metrics) {
        return INVALID_C_PARAM;
    }
    *metrics = perf_metrics_new(&results->perf);
    return *metrics ? OK : UNKNOW_EXCEPTION;
}

void decoded_text_perf_metrics_free(ov_genai_perf_metrics *metrics) {
    if (object_is(metrics, KIND_PERF_METRICS)) {
        object_delete(metrics);
    }
}

ov_status_e decoded_text_get_string(const decoded_text *results, object_kind kind, char *output, size_t *output_size) {
    if (!object_is(results, kind) || !output_size) {
        return INVALID_C_PARAM;
    }
    return (ov_status_e)copy_out_string(results->text, output, output_size, OK, OUT_OF_BOUNDS);
}

ov_status_e text_pipeline_create(object_kind kind, const char *models_path, const char *device,
                                 size_t property_args_size, va_list *properties, text_pipeline **pipe) {
    if (!pipe) {
        return INVALID_C_PARAM;
    }
    pipeline_options options;
    ov_status_e status = read_pipeline_arguments(models_path, device, property_args_size, properties, &options);
    if (status != OK) {
        return status;
    }
    text_pipeline *created = object_new(sizeof *created, kind);
    if (!created) {
        return UNKNOW_EXCEPTION;
    }
    if (!text_session_init(&created->session, &options, models_path)) {
        text_session_destroy(&created->session);
        object_delete(created);
        return UNKNOW_EXCEPTION;
    }
    *pipe = created;
    return OK;
}

void text_pipeline_free(text_pipeline *pipe, object_kind kind) {
    if (!object_is(pipe, kind)) {
        return;
    }
    text_session_destroy(&pipe->session);
    object_delete(pipe);
}

ov_status_e text_pipeline_generate(text_pipeline *pipe, object_kind results_kind, const text_input *input,
                                   const ov_genai_generation_config *config, const streamer_callback *streamer,
                                   decoded_text **results) {
    char *text = NULL;
    perf_values perf;
    ov_status_e status = text_session_generate(&pipe->session, input, config, streamer, &text, &perf);
    if (status != OK) {
        return status;
    }
    if (!results) {
        free(text);
        return OK;
    }
    *results = decoded_text_new(results_kind, text, &perf);
    return *results ? OK : UNKNOW_EXCEPTION;
}

ov_status_e text_pipeline_set_chat(text_pipeline *pipe, object_kind kind, bool in_chat) {
    return object_is(pipe, kind) ? text_session_set_chat(&pipe->session, in_chat) : INVALID_C_PARAM;
}

ov_status_e text_pipeline_get_config(const text_pipeline *pipe, object_kind kind,
                                     ov_genai_generation_config **config) {
    if (!object_is(pipe, kind) || !config) {
        return INVALID_C_PARAM;
    }
    /* the session lock is internal state, not the pipeline's observable value */
    return text_session_get_config((text_session *)&pipe->session, config);
}

ov_status_e text_pipeline_set_config(text_pipeline *pipe, object_kind kind, ov_genai_generation_config *config) {
    if (!object_is(pipe, kind) || !object_is(config, KIND_GENERATION_CONFIG)) {
        return INVALID_C_PARAM;
    }
    return text_session_set_config(&pipe->session, config);
}
