/* execve passes argv and envp through exactly, including empty strings,
 * and the new image sees them through main's arguments and environ. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "child")) {
        if (argc != 5)
            _exit(10);
        if (strcmp(argv[2], "hello world") || strcmp(argv[3], "") || strcmp(argv[4], "last"))
            _exit(11);
        if (argv[5] != NULL)
            _exit(12);
        int n = 0;
        for (char **e = environ; *e; e++)
            n++;
        if (n != 2)
            _exit(13);
        if (strcmp(environ[0], "WEFT_A=1") || strcmp(environ[1], "WEFT_B=two words"))
            _exit(14);
        const char *b = getenv("WEFT_B");
        if (!b || strcmp(b, "two words"))
            _exit(15);
        _exit(0);
    }
    char *args[] = {argv[0], "child", "hello world", "", "last", NULL};
    char *env[] = {"WEFT_A=1", "WEFT_B=two words", NULL};
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
