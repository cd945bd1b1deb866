/*
 * One leg of benchmarks/bench_real_pipelines.py in C: loads one pipeline, then runs a generation for
 * each "run" line on stdin and prints "<generated tokens> <seconds> <cpu seconds>" (wall time around the
 * generate call, and the CPU time all the process's threads used meanwhile).
 *   bench_leg llm|vlm|whisper MODEL MAX_NEW_TOKENS [IMAGE.u8 H W | AUDIO.f32]
 * LLM and VLM stream through a callback that counts the chunks; Whisper (no streamer in the C API)
 * transcribes. Properties: INFERENCE_PRECISION_HINT=f32.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "openvino/c/openvino.h"
#include "openvino/genai/c/llm_pipeline.h"
#include "openvino/genai/c/vlm_pipeline.h"
#include "openvino/genai/c/whisper_pipeline.h"

#define PROMPT "The Sky is blue because"

static size_t chunks;

static ov_genai_streaming_status_e on_chunk(const char *text, void *args) {
    (void)text;
    (void)args;
    chunks++;
    return OV_GENAI_STREAMING_STATUS_RUNNING;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double cpu_now(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) * 1e-6;
}

static void *read_file(const char *path, size_t *size) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long length = ftell(f);
    fseek(f, 0, SEEK_SET);
    void *data = malloc((size_t)length);
    if (data && fread(data, 1, (size_t)length, f) != (size_t)length) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *size = (size_t)length;
    return data;
}

#define CHECK(call)                                                            \
    do {                                                                       \
        int status_ = (int)(call);                                             \
        if (status_ != 0) {                                                    \
            fprintf(stderr, "%s returned %d\n", #call, status_);               \
            return 1;                                                          \
        }                                                                      \
    } while (0)

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: bench_leg llm|vlm|whisper MODEL MAX_NEW_TOKENS [IMAGE H W | AUDIO]\n");
        return 2;
    }
    const char *kind = argv[1], *model = argv[2];
    size_t max_new_tokens = strtoull(argv[3], NULL, 10);
    ov_genai_llm_pipeline *llm = NULL;
    ov_genai_vlm_pipeline *vlm = NULL;
    ov_genai_whisper_pipeline *whisper = NULL;
    ov_genai_generation_config *config = NULL;
    ov_tensor_t *image = NULL;
    float *audio = NULL;
    size_t audio_size = 0;
    streamer_callback streamer = {on_chunk, NULL};
    CHECK(ov_genai_generation_config_create(&config));
    CHECK(ov_genai_generation_config_set_max_new_tokens(config, max_new_tokens));
    if (strcmp(kind, "llm") == 0) {
        CHECK(ov_genai_llm_pipeline_create(model, "CPU", 2, &llm, "INFERENCE_PRECISION_HINT", "f32"));
    } else if (strcmp(kind, "vlm") == 0 && argc == 7) {
        size_t size = 0;
        void *pixels = read_file(argv[4], &size);
        if (!pixels) return 1;
        int64_t dims[4] = {1, atoll(argv[5]), atoll(argv[6]), 3};
        ov_shape_t shape;
        CHECK(ov_shape_create(4, dims, &shape));
        CHECK(ov_tensor_create_from_host_ptr(U8, shape, pixels, &image));
        CHECK(ov_genai_vlm_pipeline_create(model, "CPU", 2, &vlm, "INFERENCE_PRECISION_HINT", "f32"));
    } else if (strcmp(kind, "whisper") == 0 && argc == 5) {
        audio = read_file(argv[4], &audio_size);
        if (!audio) return 1;
        audio_size /= sizeof(float);
        CHECK(ov_genai_whisper_pipeline_create(model, "CPU", 2, &whisper, "INFERENCE_PRECISION_HINT", "f32"));
    } else {
        fprintf(stderr, "bad arguments for %s\n", kind);
        return 2;
    }
    char line[64];
    while (fgets(line, sizeof line, stdin) && strncmp(line, "run", 3) == 0) {
        ov_genai_perf_metrics *metrics = NULL;
        size_t tokens = 0;
        chunks = 0;
        double cpu_start = cpu_now(), start = now(), seconds, cpu;
        if (llm) {
            ov_genai_decoded_results *results = NULL;
            CHECK(ov_genai_llm_pipeline_generate(llm, PROMPT, config, &streamer, &results));
            seconds = now() - start;
            cpu = cpu_now() - cpu_start;
            CHECK(ov_genai_decoded_results_get_perf_metrics(results, &metrics));
            CHECK(ov_genai_perf_metrics_get_num_generation_tokens(metrics, &tokens));
            ov_genai_decoded_results_perf_metrics_free(metrics);
            ov_genai_decoded_results_free(results);
        } else if (vlm) {
            ov_genai_vlm_decoded_results *results = NULL;
            const ov_tensor_t *images[1] = {image};
            CHECK(ov_genai_vlm_pipeline_generate(vlm, PROMPT, images, 1, config, &streamer, &results));
            seconds = now() - start;
            cpu = cpu_now() - cpu_start;
            CHECK(ov_genai_vlm_decoded_results_get_perf_metrics(results, &metrics));
            CHECK(ov_genai_perf_metrics_get_num_generation_tokens(metrics, &tokens));
            ov_genai_vlm_decoded_results_perf_metrics_free(metrics);
            ov_genai_vlm_decoded_results_free(results);
        } else {
            ov_genai_whisper_decoded_results *results = NULL;
            CHECK(ov_genai_whisper_pipeline_generate(whisper, audio, audio_size, NULL, &results));
            seconds = now() - start;
            cpu = cpu_now() - cpu_start;
            CHECK(ov_genai_whisper_decoded_results_get_perf_metrics(results, &metrics));
            CHECK(ov_genai_perf_metrics_get_num_generation_tokens(metrics, &tokens));
            ov_genai_decoded_results_perf_metrics_free(metrics);
            ov_genai_whisper_decoded_results_free(results);
        }
        printf("%zu %.9f %.6f\n", tokens, seconds, cpu);
        fflush(stdout);
    }
    if (llm) ov_genai_llm_pipeline_free(llm);
    if (vlm) ov_genai_vlm_pipeline_free(vlm);
    if (whisper) ov_genai_whisper_pipeline_free(whisper);
    if (image) ov_tensor_free(image);
    ov_genai_generation_config_free(config);
    free(audio);
    return 0;
}
