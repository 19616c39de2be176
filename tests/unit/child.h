/* child.h — running code that exits (usage errors, internal errors) in a
 * child process, for the cmocka suites. */
#ifndef CXS_TEST_CHILD_H
#define CXS_TEST_CHILD_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs fn(arg) in a child process whose stdout and stderr go to one file;
 * returns the child's exit status (128 + signal when killed; fn returning
 * is exit 0) and puts what it printed in out (NUL-terminated, cut at len). */
static inline int run_in_child(void (*fn)(void *), void *arg, char *out, size_t len)
{
    char path[] = "/tmp/cxs-child-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    unlink(path);
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        fn(arg);
        fflush(stdout);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    ssize_t k = pread(fd, out, len ? len - 1 : 0, 0);
    close(fd);
    if (len)
        out[k > 0 ? (size_t)k : 0] = '\0';
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

#endif
