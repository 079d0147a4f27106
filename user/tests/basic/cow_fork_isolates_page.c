/* After fork, parent and child each write the same page (global, stack and
 * heap); each sees only its own data. */
#include "t.h"
#include <sys/wait.h>
#include <unistd.h>

static char global[4096] = "initial";

int main(void)
{
    char stack[4096];
    strcpy(stack, "initial");
    char *heap = malloc(4096);
    CHECK(heap);
    strcpy(heap, "initial");
    int go[2], done[2];
    CHECK_OK(pipe(go));
    CHECK_OK(pipe(done));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        strcpy(global, "child");
        strcpy(stack, "child");
        strcpy(heap, "child");
        write(done[1], "c", 1);
        char c;
        read(go[0], &c, 1); /* parent has written its copies */
        int ok = !strcmp(global, "child") && !strcmp(stack, "child") && !strcmp(heap, "child");
        _exit(ok ? 0 : 1);
    }
    char c;
    CHECK_EQ(read(done[0], &c, 1), 1); /* child has written its copies */
    CHECK(!strcmp(global, "initial"));
    CHECK(!strcmp(stack, "initial"));
    CHECK(!strcmp(heap, "initial"));
    strcpy(global, "parent");
    strcpy(stack, "parent");
    strcpy(heap, "parent");
    CHECK_EQ(write(go[1], "p", 1), 1);
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFEXITED(st));
    CHECK_EQ(WEXITSTATUS(st), 0);
    CHECK(!strcmp(global, "parent"));
    CHECK(!strcmp(stack, "parent"));
    CHECK(!strcmp(heap, "parent"));
    PASS();
}
