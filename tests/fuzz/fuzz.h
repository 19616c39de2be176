/* fuzz.h — what the fuzz targets (tests/fuzz/fuzz_NAME.c) share.
 *
 * Each target defines LLVMFuzzerTestOneInput(). It is linked either with
 * libFuzzer (make fuzz: clang, build/fuzz) or with replay_main.c, which
 * calls it once per file (make test: the corpus and the crash reproducers).
 * A target never exits on bad input: it calls the pure parsers, checks what
 * they promise with FUZZ_CHECK (a broken promise aborts, which libFuzzer
 * reports as a finding) and frees everything it got.
 */
#ifndef CXS_FUZZ_H
#define CXS_FUZZ_H

#include <dirent.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);         \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The input as a C string (malloc'd; the caller frees it). An input with a
 * NUL byte ends there, as it would on a command line. */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    FUZZ_CHECK(s != NULL);
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The input as a file, for parsers that take a path: one memfd per process,
 * rewritten for each input, named by its /proc/self/fd path (which holds a
 * '/', so it is taken for a path wherever a name could also be a preset). */
static inline const char *fuzz_file(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("cxlscope-fuzz", 0);
        FUZZ_CHECK(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    for (size_t done = 0; done < size;) {
        ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
        FUZZ_CHECK(w > 0);
        done += (size_t)w;
    }
    return path;
}

/* A path for writers that write a file and rename it into place (a memfd
 * cannot be renamed): NAME in a private directory made once (in /dev/shm
 * when there is one, so nothing goes to disk) and removed, with whatever is
 * in it, when the process exits. */
static inline char *fuzz_tmp_dir(void)
{
    static char dir[64];
    return dir;
}

static inline void fuzz_tmp_remove(void)
{
    const char *dir = fuzz_tmp_dir();
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
    if (d)
        closedir(d);
    rmdir(dir);
}

static inline const char *fuzz_tmp_path(const char *name)
{
    static char path[512];
    char *dir = fuzz_tmp_dir();
    if (!dir[0]) {
        snprintf(dir, 64, "%s/cxlscope-fuzz-XXXXXX",
                 access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
        FUZZ_CHECK(mkdtemp(dir) != NULL);
        atexit(fuzz_tmp_remove);
    }
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return path;
}

#endif
