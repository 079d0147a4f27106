/* Writes through a MAP_SHARED file mapping are visible to read() on the
 * file, and write() to the file is visible through the mapping. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-mmaps-%d", getpid());
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    CHECK(fd >= 0);
    CHECK_OK(ftruncate(fd, 8192));
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED);
    memcpy(m + 5000, "through map", 11);
    char buf[16] = {0};
    CHECK_EQ(pread(fd, buf, 11, 5000), 11);
    CHECK(!strcmp(buf, "through map"));
    CHECK_EQ(pwrite(fd, "via write", 9, 100), 9);
    CHECK(!memcmp(m + 100, "via write", 9));
    CHECK_OK(msync(m, 8192, MS_SYNC));
    munmap(m, 8192);
    close(fd);
    unlink(path);
    PASS();
}
