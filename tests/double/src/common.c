/*
 * TEST CODE, not product: a native test double of the OpenVINO GenAI C API.
 *
 * Object bookkeeping (the live-object counter tests use to prove nothing leaked) and small
 * utilities shared by the other files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "double.h"

static int64_t live_objects = 0;

/* The same count per kind (index: kind - KIND_JSON_CONTAINER) and each kind's name, in object_kind order. */
#define KIND_COUNT (KIND_WHISPER_PIPELINE - KIND_JSON_CONTAINER + 1)
static int64_t live_by_kind[KIND_COUNT];
static const char *const kind_names[KIND_COUNT] = {
    "json_container", "chat_history", "generation_config", "decoded_results", "llm_pipeline", "perf_metrics",
    "vlm_decoded_results", "vlm_pipeline", "whisper_generation_config", "whisper_chunk",
    "whisper_decoded_results", "whisper_pipeline",
};

/* Test-only export: how many handles of any kind are currently alive. */
DOUBLE_EXPORT int64_t genai_double_live_objects(void) {
    return __atomic_load_n(&live_objects, __ATOMIC_SEQ_CST);
}

/* Test-only export: the kinds alive now with their counts, "perf_metrics=1 llm_pipeline=2" (kinds with none
 * left out; "" when nothing is alive), written to `buffer` (truncated to `size` bytes, always terminated).
 * Returns the length of the whole text. */
DOUBLE_EXPORT size_t genai_double_live_kinds(char *buffer, size_t size) {
    char text[KIND_COUNT * 48] = "";
    size_t length = 0;
    for (int i = 0; i < KIND_COUNT; i++) {
        int64_t count = __atomic_load_n(&live_by_kind[i], __ATOMIC_SEQ_CST);
        if (count != 0) {
            length += (size_t)snprintf(text + length, sizeof text - length, "%s%s=%lld", length ? " " : "",
                                       kind_names[i], (long long)count);
        }
    }
    if (buffer && size > 0) {
        snprintf(buffer, size, "%s", text);
    }
    return length;
}

static int64_t *kind_counter(object_kind kind) {
    int index = (int)kind - (int)KIND_JSON_CONTAINER;
    return index >= 0 && index < KIND_COUNT ? &live_by_kind[index] : NULL;
}

/* Generations in progress in the whole process (every pipeline). */
static int64_t generations_running = 0;

void generation_started(void) {
    __atomic_add_fetch(&generations_running, 1, __ATOMIC_SEQ_CST);
}

void generation_ended(void) {
    __atomic_sub_fetch(&generations_running, 1, __ATOMIC_SEQ_CST);
}

/* Run by exit() while other threads may still be inside the library. Measured upstream: a process
 * that exits while another thread is inside generate crashes in the library (SIGSEGV, or "FATAL:
 * exception not rethrown" and SIGABRT when its callback thread is ended by the runtime). The double
 * does not wait to crash by chance: it says so and aborts, every time. */
__attribute__((destructor)) static void exit_during_generation(void) {
    int64_t running = __atomic_load_n(&generations_running, __ATOMIC_SEQ_CST);
    if (running > 0) {
        fprintf(stderr, "genai double: the process is exiting while %lld generate call(s) run; "
                        "the real library crashes here\n", (long long)running);
        abort();
    }
}

void *object_new(size_t size, object_kind kind) {
    object_header *object = calloc(1, size);
    if (!object) {
        return NULL;
    }
    object->kind = kind;
    __atomic_add_fetch(&live_objects, 1, __ATOMIC_SEQ_CST);
    int64_t *counter = kind_counter(kind);
    if (counter) {
        __atomic_add_fetch(counter, 1, __ATOMIC_SEQ_CST);
    }
    return object;
}

void object_delete(void *object) {
    if (!object) {
        return;
    }
    int64_t *counter = kind_counter(((object_header *)object)->kind);
    if (counter) {
        __atomic_sub_fetch(counter, 1, __ATOMIC_SEQ_CST);
    }
    /* Untag first so a use after free is refused as long as the memory is not reused. */
    ((object_header *)object)->kind = KIND_FREED;
    __atomic_sub_fetch(&live_objects, 1, __ATOMIC_SEQ_CST);
    free(object);
}

bool object_is(const void *object, object_kind kind) {
    return object && ((const object_header *)object)->kind == kind;
}

char *string_duplicate(const char *text) {
    size_t length = strlen(text);
    char *copy = malloc(length + 1);
    if (copy) {
        memcpy(copy, text, length + 1);
    }
    return copy;
}

int copy_out_string(const char *text, char *buffer, size_t *size, int ok_status, int short_status) {
    size_t needed = strlen(text) + 1;
    if (!buffer) {
        *size = needed;
        return ok_status;
    }
    if (*size < needed) {
        return short_status;
    }
    memcpy(buffer, text, needed);
    *size = needed;
    return ok_status;
}

/* FNV-1a: stable across platforms, so every language sees the same "model" output. */
uint64_t hash_bytes(uint64_t hash, const void *data, size_t size) {
    const unsigned char *bytes = data;
    for (size_t i = 0; i < size; i++) {
        hash ^= bytes[i];
        hash *= 1099511628211ULL;
    }
    return hash;
}

/* splitmix64 */
uint64_t next_random(uint64_t *state) {
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

bool file_exists(const char *path) {
    struct stat info;
    return stat(path, &info) == 0;
}

bool buffer_append(byte_buffer *buffer, const char *data, size_t length) {
    if (buffer->length + length + 1 > buffer->capacity) {
        size_t capacity = buffer->capacity ? buffer->capacity : 64;
        while (capacity < buffer->length + length + 1) {
            capacity *= 2;
        }
        char *grown = realloc(buffer->data, capacity);
        if (!grown) {
            return false;
        }
        buffer->data = grown;
        buffer->capacity = capacity;
    }
    memcpy(buffer->data + buffer->length, data, length);
    buffer->length += length;
    buffer->data[buffer->length] = '\0';
    return true;
}

bool buffer_append_string(byte_buffer *buffer, const char *text) {
    return buffer_append(buffer, text, strlen(text));
}

void buffer_free(byte_buffer *buffer) {
    free(buffer->data);
    buffer->data = NULL;
    buffer->length = buffer->capacity = 0;
}
