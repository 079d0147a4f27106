/* execve of a path that does not exist fails with ENOENT, of a path whose
 * directory component is a file with ENOTDIR, and the caller keeps running. */
#include "t.h"
#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    char *args[] = {"x", NULL};
    char *env[] = {NULL};
    CHECK_ERR(execve("/nonexistent/weft/prog", args, env), ENOENT);
    CHECK_ERR(execve("/tmp/weft-no-such-program", args, env), ENOENT);
    CHECK_ERR(execve("", args, env), ENOENT);
    char path[512];
    snprintf(path, sizeof path, "%s/sub", argv[0]); /* argv[0] is a file */
    CHECK_ERR(execve(path, args, env), ENOTDIR);
    PASS();
}
