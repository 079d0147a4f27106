/* opendir/readdir (musl over getdents64) sees the entries of /tmp that the
 * test creates, and rewinddir starts over. */
#include "t.h"
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

int main(void)
{
    char name[64], path[80];
    snprintf(name, sizeof name, "weft-readdir-%d", getpid());
    snprintf(path, sizeof path, "/tmp/%s", name);
    int fd = open(path, O_WRONLY | O_CREAT, 0600);
    CHECK(fd >= 0);
    close(fd);
    DIR *d = opendir("/tmp");
    CHECK(d != NULL);
    for (int pass = 0; pass < 2; pass++) {
        int found = 0, dot = 0;
        struct dirent *e;
        while ((e = readdir(d)))
            found += !strcmp(e->d_name, name), dot += !strcmp(e->d_name, ".");
        CHECK_EQ(found, 1);
        CHECK_EQ(dot, 1);
        rewinddir(d);
    }
    closedir(d);
    unlink(path);
    errno = 0;
    CHECK(opendir("/tmp/weft-no-such-dir") == NULL && errno == ENOENT);
    PASS();
}
