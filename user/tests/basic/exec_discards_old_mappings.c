/* execve replaces the whole address space: a mapping made before exec is
 * gone in the new image (mprotect on it fails with ENOMEM), and the new
 * image's globals start from their initial values. */
#include "t.h"
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static int counter = 5;

int main(int argc, char **argv)
{
    if (argc > 1) {
        void *old = (void *)(uintptr_t)strtoull(argv[1], NULL, 16);
        if (mprotect(old, 4096, PROT_READ) != -1 || errno != ENOMEM)
            _exit(2);
        _exit(counter == 5 ? 0 : 3);
    }
    counter = 6;
    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    m[0] = 1;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char a[32];
        snprintf(a, sizeof a, "%llx", (unsigned long long)(uintptr_t)m);
        char *args[] = {argv[0], a, NULL};
        execv(argv[0], args);
        _exit(99);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
