/*
 * A multi-turn chat with streaming, using the OpenVINO GenAI C API.
 *
 *   chat_sample MODEL_DIR [DEVICE]
 *
 * Reads one question per line from stdin (an empty line is skipped), streams each answer,
 * and keeps the conversation between turns (start_chat ... finish_chat).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "openvino/genai/c/llm_pipeline.h"

#define MAX_NEW_TOKENS 100
#define MAX_QUESTION 4096

static ov_genai_streaming_status_e print_chunk(const char *text, void *args) {
    (void)args;
    fputs(text, stdout);
    fflush(stdout);
    return OV_GENAI_STREAMING_STATUS_RUNNING;
}

static int failed(ov_status_e status, const char *what) {
    if (status == OK) return 0;
    fprintf(stderr, "%s failed with status %d\n", what, (int)status);
    return 1;
}

int main(int argc, char *argv[]) {
    if (argc < 2 || argc > 3) {
        fprintf(stderr, "usage: %s MODEL_DIR [DEVICE]\n", argv[0]);
        return EXIT_FAILURE;
    }
    const char *device = argc == 3 ? argv[2] : "CPU";
    ov_genai_llm_pipeline *pipeline = NULL;
    ov_genai_generation_config *config = NULL;
    streamer_callback streamer = {print_chunk, NULL};
    char question[MAX_QUESTION];
    int exit_code = EXIT_FAILURE;

    if (failed(ov_genai_llm_pipeline_create(argv[1], device, 0, &pipeline), "creating the pipeline") ||
        failed(ov_genai_generation_config_create(&config), "creating the generation config") ||
        failed(ov_genai_generation_config_set_max_new_tokens(config, MAX_NEW_TOKENS), "setting max_new_tokens") ||
        failed(ov_genai_llm_pipeline_start_chat(pipeline), "starting the chat")) {
        goto cleanup;
    }
    printf("question:\n");
    while (fgets(question, sizeof question, stdin)) {
        question[strcspn(question, "\r\n")] = '\0';
        if (question[0] == '\0') continue;
        ov_genai_decoded_results *results = NULL;
        /* streaming alone is enough here: the answer is printed as it comes */
        ov_status_e status = ov_genai_llm_pipeline_generate(pipeline, question, config, &streamer, &results);
        ov_genai_decoded_results_free(results);
        if (failed(status, "generating")) goto cleanup;
        printf("\n----------\nquestion:\n");
    }
    if (failed(ov_genai_llm_pipeline_finish_chat(pipeline), "finishing the chat")) goto cleanup;
    exit_code = EXIT_SUCCESS;

cleanup:
    ov_genai_generation_config_free(config);
    ov_genai_llm_pipeline_free(pipeline);
    return exit_code;
}
