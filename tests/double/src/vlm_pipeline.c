/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * ov_genai_vlm_pipeline_* and ov_genai_vlm_decoded_results_*: the C types mapped onto
 * text_pipeline.c. The answer depends on the text and on the number of images; the image tensors
 * (OpenVINO core objects) are checked for NULL only.
 */
#include "double.h"

struct ov_genai_vlm_decoded_results_opaque {
    decoded_text base;
};

struct ov_genai_vlm_pipeline_opaque {
    text_pipeline base;
};

/* The opaque structs hold their shared part as first and only member, so the pointers convert. */
#define RESULTS(r) ((decoded_text *)(r))
#define PIPELINE(p) ((text_pipeline *)(p))

ov_status_e ov_genai_vlm_decoded_results_create(ov_genai_vlm_decoded_results **results) {
    decoded_text *made = NULL;
    ov_status_e status = decoded_text_create(KIND_VLM_DECODED_RESULTS, results ? &made : NULL);
    if (results) {
        *results = (ov_genai_vlm_decoded_results *)made;
    }
    return status;
}

void ov_genai_vlm_decoded_results_free(ov_genai_vlm_decoded_results *results) {
    decoded_text_free(RESULTS(results), KIND_VLM_DECODED_RESULTS);
}

ov_status_e ov_genai_vlm_decoded_results_get_perf_metrics(const ov_genai_vlm_decoded_results *results,
                                                          ov_genai_perf_metrics **metrics) {
    return decoded_text_get_perf_metrics((const decoded_text *)results, KIND_VLM_DECODED_RESULTS, metrics);
}

void ov_genai_vlm_decoded_results_perf_metrics_free(ov_genai_perf_metrics *metrics) {
    decoded_text_perf_metrics_free(metrics);
}

ov_status_e ov_genai_vlm_decoded_results_get_string(const ov_genai_vlm_decoded_results *results, char *output,
                                                    size_t *output_size) {
    return decoded_text_get_string((const decoded_text *)results, KIND_VLM_DECODED_RESULTS, output, output_size);
}

ov_status_e ov_genai_vlm_pipeline_create(const char *models_path, const char *device, const size_t property_args_size,
                                         ov_genai_vlm_pipeline **pipe, ...) {
    text_pipeline *created = NULL;
    va_list properties;
    va_start(properties, pipe);
    ov_status_e status = text_pipeline_create(KIND_VLM_PIPELINE, models_path, device, property_args_size,
                                              &properties, pipe ? &created : NULL);
    va_end(properties);
    if (status == OK) {
        *pipe = (ov_genai_vlm_pipeline *)created;
    }
    return status;
}

void ov_genai_vlm_pipeline_free(ov_genai_vlm_pipeline *pipe) {
    text_pipeline_free(PIPELINE(pipe), KIND_VLM_PIPELINE);
}

static ov_status_e check_images(const ov_tensor_t **rgbs, size_t num_images) {
    if (num_images > 0 && !rgbs) {
        return INVALID_C_PARAM;
    }
    for (size_t i = 0; i < num_images; i++) {
        if (!rgbs[i]) {
            return INVALID_C_PARAM;
        }
    }
    return OK;
}

static ov_status_e generate(ov_genai_vlm_pipeline *pipe, const text_input *input, const ov_tensor_t **rgbs,
                            const ov_genai_generation_config *config, const streamer_callback *streamer,
                            ov_genai_vlm_decoded_results **results) {
    ov_status_e status = check_generate_arguments(config, streamer, results != NULL);
    if (status == OK) {
        status = check_images(rgbs, input->images);
    }
    if (status != OK) {
        return status;
    }
    decoded_text *made = NULL;
    status = text_pipeline_generate(PIPELINE(pipe), KIND_VLM_DECODED_RESULTS, input, config, streamer,
                                    results ? &made : NULL);
    if (results && status == OK) {
        *results = (ov_genai_vlm_decoded_results *)made;
    }
    return status;
}

ov_status_e ov_genai_vlm_pipeline_generate(ov_genai_vlm_pipeline *pipe, const char *text_inputs,
                                           const ov_tensor_t **rgbs, size_t num_images,
                                           const ov_genai_generation_config *config,
                                           const streamer_callback *streamer,
                                           ov_genai_vlm_decoded_results **results) {
    if (!object_is(pipe, KIND_VLM_PIPELINE) || !text_inputs) {
        return INVALID_C_PARAM;
    }
    text_input input = {.prompt = text_inputs, .images = num_images};
    return generate(pipe, &input, rgbs, config, streamer, results);
}

ov_status_e ov_genai_vlm_pipeline_generate_with_history(ov_genai_vlm_pipeline *pipe,
                                                        const ov_genai_chat_history *history,
                                                        const ov_tensor_t **rgbs, size_t num_images,
                                                        const ov_genai_generation_config *config,
                                                        const streamer_callback *streamer,
                                                        ov_genai_vlm_decoded_results **results) {
    if (!object_is(pipe, KIND_VLM_PIPELINE) || !object_is(history, KIND_CHAT_HISTORY)) {
        return INVALID_C_PARAM;
    }
    text_input input = {.history = history->messages, .images = num_images};
    return generate(pipe, &input, rgbs, config, streamer, results);
}

ov_status_e ov_genai_vlm_pipeline_start_chat(ov_genai_vlm_pipeline *pipe) {
    return text_pipeline_set_chat(PIPELINE(pipe), KIND_VLM_PIPELINE, true);
}

ov_status_e ov_genai_vlm_pipeline_finish_chat(ov_genai_vlm_pipeline *pipe) {
    return text_pipeline_set_chat(PIPELINE(pipe), KIND_VLM_PIPELINE, false);
}

ov_status_e ov_genai_vlm_pipeline_get_generation_config(const ov_genai_vlm_pipeline *pipe,
                                                        ov_genai_generation_config **config) {
    return text_pipeline_get_config((const text_pipeline *)pipe, KIND_VLM_PIPELINE, config);
}

ov_status_e ov_genai_vlm_pipeline_set_generation_config(ov_genai_vlm_pipeline *pipe,
                                                        ov_genai_generation_config *config) {
    return text_pipeline_set_config(PIPELINE(pipe), KIND_VLM_PIPELINE, config);
}
