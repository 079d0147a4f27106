/* execve with one argument longer than MAX_ARG_STRLEN (32 pages = 128 KiB)
 * fails with E2BIG and the caller keeps running; 100 KiB is accepted. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc > 1)
        _exit(strlen(argv[1]) == 100 * 1024 ? 0 : 2);
    char *big = malloc(200 * 1024);
    CHECK(big);
    memset(big, 'a', 200 * 1024 - 1);
    big[200 * 1024 - 1] = 0;
    char *args[] = {argv[0], big, NULL};
    char *env[] = {NULL};
    CHECK_ERR(execve(argv[0], args, env), E2BIG);
    big[100 * 1024] = 0;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        execve(argv[0], args, env);
        _exit(99);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    PASS();
}
