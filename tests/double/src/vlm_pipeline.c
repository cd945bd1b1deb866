/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * ov_genai_vlm_pipeline_* and ov_genai_vlm_decoded_results_*: the C types mapped onto
 * text_pipeline.c. The answer depends on the text, on the number of images and on their bytes. The
 * image tensors are OpenVINO core objects: as the real library, the double asks libopenvino_c for
 * each one's shape and data (through the copy of libopenvino_c the process has loaded, since the
 * double does not link it) and checks them as measured (tests/double/MEASURED.md).
 */
#define _GNU_SOURCE
#include "double.h"

#include <dlfcn.h>
#include <link.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* ---- reading image tensors through libopenvino_c ---- */

/* ov_shape_t of OpenVINO's core C API (declared here: the double's own headers do not include core's). */
typedef struct {
    int64_t rank;
    int64_t *dims;
} core_shape;

typedef struct {
    int (*get_shape)(const void *tensor, core_shape *shape);
    int (*data)(const void *tensor, void **data);
    void (*shape_free)(core_shape *shape);
} core_functions;

static int find_core_library(struct dl_phdr_info *info, size_t size, void *found) {
    (void)size;
    const char *slash = strrchr(info->dlpi_name, '/');
    const char *name = slash ? slash + 1 : info->dlpi_name;
    if (strncmp(name, "libopenvino_c.so", strlen("libopenvino_c.so")) == 0) {
        *(void **)found = dlopen(info->dlpi_name, RTLD_NOW | RTLD_NOLOAD);
        return *(void **)found != NULL;
    }
    return 0;
}

/* The tensor functions of the libopenvino_c loaded in this process; false when there is none. */
static bool core(core_functions *out) {
    void *library = NULL;
    dl_iterate_phdr(find_core_library, &library);
    if (!library) {
        return false;
    }
    *(void **)&out->get_shape = dlsym(library, "ov_tensor_get_shape");
    *(void **)&out->data = dlsym(library, "ov_tensor_data");
    *(void **)&out->shape_free = dlsym(library, "ov_shape_free");
    dlclose(library); /* RTLD_NOLOAD took a reference; the process still holds the library */
    return out->get_shape && out->data && out->shape_free;
}

/*
 * Checks the images as the real library does (measured, MEASURED.md) and sums up what the model
 * sees: `*frames` images (a [N,H,W,C] tensor holds N) and a hash of their pixels. The real library
 * reads each tensor as u8 [N,]H,W,C whatever its element type, so the hash covers the first
 * N*H*W*C bytes of its data. NULL array or tensor, or NULL data: INVALID_C_PARAM; rank other than
 * 3 or 4, or a channel count other than 1, 3 or 4: UNKNOW_EXCEPTION; height or width 0: SIGFPE.
 */
static ov_status_e read_images(const ov_tensor_t **rgbs, size_t num_images, size_t *frames, uint64_t *hash) {
    *frames = 0;
    *hash = 14695981039346656037ULL;
    if (num_images > 0 && !rgbs) {
        return INVALID_C_PARAM;
    }
    for (size_t i = 0; i < num_images; i++) {
        if (!rgbs[i]) {
            return INVALID_C_PARAM;
        }
    }
    core_functions ov;
    if (num_images > 0 && !core(&ov)) {
        /* The real library would read the pointer as an OpenVINO tensor whatever it points at. */
        fprintf(stderr, "genai double: %zu image tensor(s) given but no libopenvino_c is loaded in this process, "
                        "so they cannot be OpenVINO tensors (the real library would read them as such)\n",
                num_images);
        fflush(stderr);
        abort();
    }
    for (size_t i = 0; i < num_images; i++) {
        core_shape shape = {0};
        void *data = NULL;
        if (ov.get_shape(rgbs[i], &shape) != OK) {
            return UNKNOW_EXCEPTION;
        }
        int64_t dims[4] = {1, 0, 0, 0};
        bool rank_ok = shape.rank == 3 || shape.rank == 4;
        if (rank_ok) {
            memcpy(dims + (4 - shape.rank), shape.dims, (size_t)shape.rank * sizeof(int64_t));
        }
        ov.shape_free(&shape);
        if (!rank_ok) {
            return UNKNOW_EXCEPTION;
        }
        if (ov.data(rgbs[i], &data) != OK || !data) {
            return INVALID_C_PARAM;
        }
        if (dims[0] == 0) {
            continue; /* a batch of no images (measured: accepted, nothing else looked at) */
        }
        if (dims[1] == 0 || dims[2] == 0) {
            fprintf(stderr, "genai double: image %zu has height or width 0; the real library dies here with SIGFPE\n", i);
            fflush(stderr);
            raise(SIGFPE);
        }
        if (dims[3] != 1 && dims[3] != 3 && dims[3] != 4) {
            return UNKNOW_EXCEPTION;
        }
        *frames += (size_t)dims[0];
        *hash = hash_bytes(*hash, data, (size_t)(dims[0] * dims[1] * dims[2] * dims[3]));
    }
    return OK;
}

static ov_status_e generate(ov_genai_vlm_pipeline *pipe, text_input *input, const ov_tensor_t **rgbs,
                            size_t num_images, const ov_genai_generation_config *config,
                            const streamer_callback *streamer, ov_genai_vlm_decoded_results **results) {
    ov_status_e status = check_generate_arguments(config, streamer, results != NULL);
    if (status == OK) {
        status = read_images(rgbs, num_images, &input->images, &input->image_hash);
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
    text_input input = {.prompt = text_inputs};
    return generate(pipe, &input, rgbs, num_images, config, streamer, results);
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
    text_input input = {.history = history->messages};
    return generate(pipe, &input, rgbs, num_images, config, streamer, results);
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
