/* replay_main.c — a fuzz target without libFuzzer: LLVMFuzzerTestOneInput()
 * once per file named on the command line, in order (make test runs each
 * target over its corpus and its crash reproducers this way, with the
 * normal compiler and the sanitizer build's objects).
 *
 * Each file's name goes to stderr before it runs, so a crash is followed
 * by the input that caused it. Exit 0 when every input ran, 2 for a file
 * that cannot be read; a finding aborts (or the sanitizer exits non-zero).
 */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"

/* The whole file in a buffer of exactly its size (so the sanitizer sees a
 * read past the input as it would under libFuzzer). */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    uint8_t *buf = NULL;
    size_t len = 0;
    if (fseek(f, 0, SEEK_END) == 0) {
        long end = ftell(f);
        if (end >= 0 && fseek(f, 0, SEEK_SET) == 0) {
            len = (size_t)end;
            buf = malloc(len ? len : 1);
            if (buf && fread(buf, 1, len, f) != len) {
                free(buf);
                buf = NULL;
            }
        }
    }
    fclose(f);
    *size = len;
    return buf;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        size_t size;
        uint8_t *data = slurp(argv[i], &size);
        if (!data) {
            fprintf(stderr, "replay: cannot read %s\n", argv[i]);
            return 2;
        }
        fprintf(stderr, "replay: %s (%zu bytes)\n", argv[i], size);
        LLVMFuzzerTestOneInput(data, size);
        free(data);
    }
    return 0;
}
