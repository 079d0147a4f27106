/* AT_RANDOM points at 16 readable bytes, which differ between two execs
 * (and are not all zero). */
#include "t.h"
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    const unsigned char *r = (const unsigned char *)getauxval(AT_RANDOM);
    CHECK(r != NULL);
    if (argc > 1) {
        write(atoi(argv[1]), r, 16);
        _exit(0);
    }
    unsigned char mine[16];
    memcpy(mine, r, 16);
    int nonzero = 0;
    for (int i = 0; i < 16; i++)
        nonzero |= mine[i];
    CHECK(nonzero);
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        char fd[16];
        snprintf(fd, sizeof fd, "%d", p[1]);
        char *args[] = {argv[0], fd, NULL};
        execv(argv[0], args);
        _exit(99);
    }
    unsigned char other[16];
    CHECK_EQ(read(p[0], other, 16), 16);
    CHECK_EQ(waitpid(pid, NULL, 0), pid);
    CHECK(memcmp(mine, other, 16) != 0);
    PASS();
}
