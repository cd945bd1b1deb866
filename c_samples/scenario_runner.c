/*
 * The C driver of the cross-language scenarios (tests/scenarios/SPEC.md).
 *
 *   scenario_runner SCENARIO.json MODEL_PATH
 *
 * Runs the scenario against whatever libopenvino_genai_c it is linked with (the test double or a
 * real install) and prints one JSON transcript, or the bench figures in bench mode.
 */
#define _GNU_SOURCE /* RTLD_DEFAULT */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mini_json.h"
#include "openvino/genai/c/llm_pipeline.h"

#define MAX_PROPERTIES 4

static const char *status_name(int status) {
    static const char *const names[] = {
        "OK", "GENERAL_ERROR", "NOT_IMPLEMENTED", "NETWORK_NOT_LOADED", "PARAMETER_MISMATCH", "NOT_FOUND",
        "OUT_OF_BOUNDS", "UNEXPECTED", "REQUEST_BUSY", "RESULT_NOT_READY", "NOT_ALLOCATED", "INFER_NOT_STARTED",
        "NETWORK_NOT_READ", "INFER_CANCELLED", "INVALID_C_PARAM", "UNKNOWN_C_ERROR", "NOT_IMPLEMENT_C_METHOD",
        "UNKNOW_EXCEPTION"};
    return status <= 0 && status >= -17 ? names[-status] : "UNKNOWN_STATUS";
}

static void fail(const char *what) {
    fprintf(stderr, "scenario_runner: %s\n", what);
    exit(2);
}

static char *read_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) fail("cannot open the scenario file");
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, file) != (size_t)size) fail("cannot read the scenario file");
    text[size] = '\0';
    fclose(file);
    return text;
}

/* ---- what one turn's callback saw ---- */

typedef enum { POLICY_RUN, POLICY_STOP, POLICY_CANCEL, POLICY_THROW } policy_action;

typedef struct {
    char *chunk;
    const char *status;
    int on_caller;
} callback_call;

typedef struct {
    policy_action action;       /* for this turn */
    size_t after;
    const char *message;
    pthread_t caller;
    callback_call *calls;
    size_t count;
    int user_failed;            /* a THROW happened: later calls are swallowed */
    const char *error;
    size_t bench_count;         /* bench mode: only count */
} turn_record;

static ov_genai_streaming_status_e record_chunk(const char *text, void *args) {
    turn_record *turn = args;
    if (turn->user_failed) {
        return OV_GENAI_STREAMING_STATUS_CANCEL; /* like a binding after user code raised */
    }
    callback_call *calls = realloc(turn->calls, (turn->count + 1) * sizeof *calls);
    if (!calls) fail("out of memory");
    turn->calls = calls;
    callback_call *call = &calls[turn->count++];
    call->chunk = strdup(text);
    call->on_caller = pthread_equal(pthread_self(), turn->caller);
    ov_genai_streaming_status_e status = OV_GENAI_STREAMING_STATUS_RUNNING;
    call->status = "RUNNING";
    if (turn->count == turn->after) {
        switch (turn->action) {
            case POLICY_STOP: status = OV_GENAI_STREAMING_STATUS_STOP; call->status = "STOP"; break;
            case POLICY_CANCEL: status = OV_GENAI_STREAMING_STATUS_CANCEL; call->status = "CANCEL"; break;
            case POLICY_THROW:
                /* C has no exceptions: record the error and abandon the turn, as bindings do */
                status = OV_GENAI_STREAMING_STATUS_CANCEL;
                call->status = "THROW";
                turn->user_failed = 1;
                turn->error = turn->message;
                break;
            case POLICY_RUN: break;
        }
    }
    return status;
}

static ov_genai_streaming_status_e count_chunk(const char *text, void *args) {
    (void)text;
    ((turn_record *)args)->bench_count++;
    return OV_GENAI_STREAMING_STATUS_RUNNING;
}

/* ---- configs ---- */

static void check(ov_status_e status, const char *what) {
    if (status != OK) {
        fprintf(stderr, "scenario_runner: %s returned %s\n", what, status_name(status));
        exit(2);
    }
}

/* Sets the keys of SPEC.md present in `values` on `config`, in the SPEC's order. */
static void apply_config(ov_genai_generation_config *config, const mj_value *values) {
    const mj_value *v;
    if ((v = mj_get(values, "max_new_tokens")))
        check(ov_genai_generation_config_set_max_new_tokens(config, (size_t)v->number), "set_max_new_tokens");
    if ((v = mj_get(values, "ignore_eos")))
        check(ov_genai_generation_config_set_ignore_eos(config, v->boolean), "set_ignore_eos");
    if ((v = mj_get(values, "min_new_tokens")))
        check(ov_genai_generation_config_set_min_new_tokens(config, (size_t)v->number), "set_min_new_tokens");
    if ((v = mj_get(values, "stop_strings"))) {
        const char **strings = calloc(v->count + 1, sizeof *strings);
        for (size_t i = 0; i < v->count; i++) strings[i] = v->items[i]->string;
        check(ov_genai_generation_config_set_stop_strings(config, strings, v->count), "set_stop_strings");
        free(strings);
    }
    if ((v = mj_get(values, "include_stop_str_in_output")))
        check(ov_genai_generation_config_set_include_stop_str_in_output(config, v->boolean),
              "set_include_stop_str_in_output");
    if ((v = mj_get(values, "stop_token_ids"))) {
        int64_t *ids = calloc(v->count + 1, sizeof *ids);
        for (size_t i = 0; i < v->count; i++) ids[i] = (int64_t)v->items[i]->number;
        check(ov_genai_generation_config_set_stop_token_ids(config, ids, v->count), "set_stop_token_ids");
        free(ids);
    }
    if ((v = mj_get(values, "temperature")))
        check(ov_genai_generation_config_set_temperature(config, (float)v->number), "set_temperature");
    if ((v = mj_get(values, "do_sample")))
        check(ov_genai_generation_config_set_do_sample(config, v->boolean), "set_do_sample");
    if ((v = mj_get(values, "rng_seed")))
        check(ov_genai_generation_config_set_rng_seed(config, (size_t)v->number), "set_rng_seed");
}

static ov_status_e create_pipeline(const char *path, const char *device, const mj_value *properties,
                                   ov_genai_llm_pipeline **pipe) {
    const char *kv[2 * MAX_PROPERTIES] = {0};
    size_t pairs = properties ? properties->count : 0;
    if (pairs > MAX_PROPERTIES) fail("more pipeline properties than this driver passes");
    for (size_t i = 0; i < pairs; i++) {
        kv[2 * i] = properties->keys[i];
        kv[2 * i + 1] = properties->items[i]->string;
    }
    /* C cannot build a variadic call at run time: one call per count of pairs */
    switch (pairs) {
        case 0: return ov_genai_llm_pipeline_create(path, device, 0, pipe);
        case 1: return ov_genai_llm_pipeline_create(path, device, 2, pipe, kv[0], kv[1]);
        case 2: return ov_genai_llm_pipeline_create(path, device, 4, pipe, kv[0], kv[1], kv[2], kv[3]);
        case 3: return ov_genai_llm_pipeline_create(path, device, 6, pipe, kv[0], kv[1], kv[2], kv[3], kv[4], kv[5]);
        default:
            return ov_genai_llm_pipeline_create(path, device, 8, pipe, kv[0], kv[1], kv[2], kv[3], kv[4], kv[5],
                                                kv[6], kv[7]);
    }
}

static char *results_text(const ov_genai_decoded_results *results) {
    size_t size = 0;
    check(ov_genai_decoded_results_get_string(results, NULL, &size), "decoded_results_get_string (size)");
    char *text = malloc(size);
    if (!text) fail("out of memory");
    check(ov_genai_decoded_results_get_string(results, text, &size), "decoded_results_get_string");
    return text;
}

static long long generated_tokens(const ov_genai_decoded_results *results) {
    ov_genai_perf_metrics *metrics = NULL;
    size_t count = 0;
    check(ov_genai_decoded_results_get_perf_metrics(results, &metrics), "get_perf_metrics");
    check(ov_genai_perf_metrics_get_num_generation_tokens(metrics, &count), "get_num_generation_tokens");
    ov_genai_decoded_results_perf_metrics_free(metrics);
    return (long long)count;
}

static int policy_applies(const mj_value *policy, size_t turn) {
    const mj_value *turns = mj_get(policy, "turns");
    if (!turns) return 1;
    for (size_t i = 0; i < turns->count; i++) {
        if ((size_t)turns->items[i]->number == turn) return 1;
    }
    return 0;
}

static policy_action parse_action(const mj_value *policy) {
    const mj_value *action = mj_get(policy, "action");
    const char *name = action ? action->string : "run";
    if (strcmp(name, "stop") == 0) return POLICY_STOP;
    if (strcmp(name, "cancel") == 0) return POLICY_CANCEL;
    if (strcmp(name, "throw") == 0) return POLICY_THROW;
    if (strcmp(name, "run") == 0) return POLICY_RUN;
    fail("unknown policy action");
    return POLICY_RUN;
}

static long long live_objects(void) {
    /* only the test double exports this; against the real library the transcript says null */
    int64_t (*counter)(void) = (int64_t(*)(void))dlsym(RTLD_DEFAULT, "genai_double_live_objects");
    return counter ? (long long)counter() : -1;
}

int main(int argc, char *argv[]) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s SCENARIO.json MODEL_PATH\n", argv[0]);
        return 2;
    }
    char *source = read_file(argv[1]);
    mj_value *scenario = mj_parse(source);
    free(source);
    if (!scenario || scenario->type != MJ_OBJECT) fail("the scenario file is not a JSON object");

    const char *name = mj_get(scenario, "name")->string;
    const mj_value *pipeline_spec = mj_get(scenario, "pipeline");
    const mj_value *device = mj_get(pipeline_spec, "device");
    const mj_value *suffix = mj_get(pipeline_spec, "model_path_suffix");
    const mj_value *config_spec = mj_get(scenario, "config");
    const mj_value *pipeline_config = mj_get(scenario, "pipeline_config");
    const mj_value *turns = mj_get(scenario, "turns");
    const mj_value *chat = mj_get(scenario, "chat");
    const mj_value *policy = mj_get(scenario, "policy");
    const mj_value *bench = mj_get(scenario, "bench");
    const mj_value *after = mj_get(policy, "after");
    const mj_value *message = mj_get(policy, "message");
    policy_action action = parse_action(policy);
    int in_chat = chat && chat->boolean;

    char *model_path = malloc(strlen(argv[2]) + (suffix ? strlen(suffix->string) : 0) + 1);
    strcpy(model_path, argv[2]);
    if (suffix) strcat(model_path, suffix->string);

    ov_genai_llm_pipeline *pipe = NULL;
    ov_status_e create_status = create_pipeline(model_path, device ? device->string : "CPU",
                                                mj_get(pipeline_spec, "properties"), &pipe);
    free(model_path);

    ov_genai_generation_config *config = NULL;
    if (create_status == OK && pipeline_config) {
        ov_genai_generation_config *current = NULL;
        check(ov_genai_llm_pipeline_get_generation_config(pipe, &current), "get_generation_config");
        apply_config(current, pipeline_config);
        check(ov_genai_llm_pipeline_set_generation_config(pipe, current), "set_generation_config");
        ov_genai_generation_config_free(current);
    }
    if (config_spec && config_spec->type == MJ_OBJECT) {
        check(ov_genai_generation_config_create(&config), "generation_config_create");
        apply_config(config, config_spec);
    }

    if (bench) {
        if (create_status != OK) fail("bench: the pipeline could not be created");
        turn_record turn = {0};
        streamer_callback streamer = {count_chunk, &turn};
        ov_genai_decoded_results *results = NULL;
        struct timespec start, end;
        clock_gettime(CLOCK_MONOTONIC, &start);
        check(ov_genai_llm_pipeline_generate(pipe, turns->items[0]->string, config, &streamer, &results), "generate");
        clock_gettime(CLOCK_MONOTONIC, &end);
        ov_genai_decoded_results_free(results);
        double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) * 1e-9;
        printf("{\"scenario\": ");
        mj_write_string(stdout, name);
        printf(", \"language\": \"c\", \"chunks\": %zu, \"seconds\": %.9f}\n", turn.bench_count, seconds);
        ov_genai_generation_config_free(config);
        ov_genai_llm_pipeline_free(pipe);
        mj_free(scenario);
        return 0;
    }

    printf("{\"scenario\": ");
    mj_write_string(stdout, name);
    printf(", \"language\": \"c\", \"create_status\": \"%s\", \"turns\": [", status_name(create_status));
    if (create_status == OK) {
        if (in_chat) check(ov_genai_llm_pipeline_start_chat(pipe), "start_chat");
        for (size_t t = 0; t < turns->count; t++) {
            const char *prompt = turns->items[t]->string;
            turn_record turn = {0};
            turn.action = policy_applies(policy, t) ? action : POLICY_RUN;
            turn.after = after ? (size_t)after->number : 0;
            turn.message = message ? message->string : "";
            turn.caller = pthread_self();
            streamer_callback streamer = {record_chunk, &turn};
            ov_genai_decoded_results *results = NULL;
            ov_status_e status = ov_genai_llm_pipeline_generate(pipe, prompt, config, &streamer, &results);

            char *text = NULL;
            long long tokens = -1;
            const char *status_text = status_name(status);
            if (turn.user_failed) {
                status_text = "USER_ERROR"; /* the user's error wins; its results are not read */
            } else if (status == OK) {
                text = results_text(results);
                tokens = generated_tokens(results);
            }
            ov_genai_decoded_results_free(results);

            printf("%s{\"prompt\": ", t ? ", " : "");
            mj_write_string(stdout, prompt);
            printf(", \"chunks\": [");
            for (size_t i = 0; i < turn.count; i++) {
                printf(i ? ", " : "");
                mj_write_string(stdout, turn.calls[i].chunk);
            }
            printf("], \"statuses\": [");
            for (size_t i = 0; i < turn.count; i++) printf("%s\"%s\"", i ? ", " : "", turn.calls[i].status);
            printf("], \"callback_threads\": [");
            for (size_t i = 0; i < turn.count; i++) {
                printf("%s\"%s\"", i ? ", " : "", turn.calls[i].on_caller ? "caller" : "worker");
            }
            printf("], \"text\": ");
            if (text) mj_write_string(stdout, text); else printf("null");
            printf(", \"status\": \"%s\", \"error\": ", status_text);
            if (turn.error) mj_write_string(stdout, turn.error); else printf("null");
            if (tokens >= 0) printf(", \"num_generated_tokens\": %lld}", tokens);
            else printf(", \"num_generated_tokens\": null}");

            for (size_t i = 0; i < turn.count; i++) free(turn.calls[i].chunk);
            free(turn.calls);
            free(text);
        }
        if (in_chat) check(ov_genai_llm_pipeline_finish_chat(pipe), "finish_chat");
    }
    ov_genai_generation_config_free(config);
    ov_genai_llm_pipeline_free(pipe);
    long long live = live_objects();
    if (live >= 0) printf("], \"live_objects\": %lld}\n", live);
    else printf("], \"live_objects\": null}\n");
    mj_free(scenario);
    return 0;
}
