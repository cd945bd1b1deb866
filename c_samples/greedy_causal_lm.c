/*
 * Streaming greedy generation with the OpenVINO GenAI C API.
 *
 *   greedy_causal_lm MODEL_DIR "PROMPT" [DEVICE]
 *
 * Prints the answer as it is generated, then a blank line.
 */
#include <stdio.h>
#include <stdlib.h>

#include "openvino/genai/c/llm_pipeline.h"

#define MAX_NEW_TOKENS 100

static ov_genai_streaming_status_e print_chunk(const char *text, void *args) {
    (void)args;
    fputs(text, stdout);
    fflush(stdout);
    return OV_GENAI_STREAMING_STATUS_RUNNING;
}

/* Reports a failed call and tells the caller to clean up. */
static int failed(ov_status_e status, const char *what) {
    if (status == OK) return 0;
    fprintf(stderr, "%s failed with status %d\n", what, (int)status);
    return 1;
}

int main(int argc, char *argv[]) {
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s MODEL_DIR \"PROMPT\" [DEVICE]\n", argv[0]);
        return EXIT_FAILURE;
    }
    const char *device = argc == 4 ? argv[3] : "CPU";
    ov_genai_llm_pipeline *pipeline = NULL;
    ov_genai_generation_config *config = NULL;
    ov_genai_decoded_results *results = NULL;
    streamer_callback streamer = {print_chunk, NULL};
    int exit_code = EXIT_FAILURE;

    if (failed(ov_genai_llm_pipeline_create(argv[1], device, 0, &pipeline), "creating the pipeline") ||
        failed(ov_genai_generation_config_create(&config), "creating the generation config") ||
        failed(ov_genai_generation_config_set_max_new_tokens(config, MAX_NEW_TOKENS), "setting max_new_tokens") ||
        failed(ov_genai_llm_pipeline_generate(pipeline, argv[2], config, &streamer, &results), "generating")) {
        goto cleanup;
    }
    printf("\n");
    exit_code = EXIT_SUCCESS;

cleanup:
    ov_genai_decoded_results_free(results);
    ov_genai_generation_config_free(config);
    ov_genai_llm_pipeline_free(pipeline);
    return exit_code;
}
