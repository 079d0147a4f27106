/* At entry the environment pointers follow argv's NULL directly, the
 * auxiliary vector follows the environment's NULL, and environ/getenv see
 * what execve passed (an empty environment too). */
#include "t.h"
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv, char **envp)
{
    CHECK(envp == argv + argc + 1);
    CHECK(environ == envp);
    char **e = envp;
    while (*e)
        e++;
    unsigned long *auxv = (unsigned long *)(e + 1);
    int found = 0;
    for (unsigned long *a = auxv; a[0] != AT_NULL; a += 2)
        if (a[0] == AT_PAGESZ) {
            found = 1;
            CHECK_EQ(a[1], 4096);
        }
    CHECK(found);
    if (argc > 1) {
        if (!strcmp(argv[1], "empty"))
            _exit(environ[0] == NULL && getenv("PATH") == NULL ? 0 : 2);
        _exit(getenv("WEFT_X") && !strcmp(getenv("WEFT_X"), "a=b=c") ? 0 : 3);
    }
    for (int k = 0; k < 2; k++) {
        pid_t pid = fork();
        CHECK(pid >= 0);
        if (pid == 0) {
            char *args[] = {argv[0], k ? "empty" : "full", NULL};
            char *full[] = {"WEFT_X=a=b=c", "OTHER=1", NULL};
            char *none[] = {NULL};
            execve(argv[0], args, k ? none : full);
            _exit(99);
        }
        int st;
        CHECK_EQ(waitpid(pid, &st, 0), pid);
        CHECK(WIFEXITED(st));
        CHECK_EQ(WEXITSTATUS(st), 0);
    }
    PASS();
}
