/* /proc/self/maps lists one line per mapping, "start-end perms offset
 * dev inode [name]", and follows the address space: a new anonymous
 * mapping appears with its exact range and "rw-p", mprotect of its middle
 * page splits it in three (rw-p, r--p, rw-p), and munmap removes it. */
#include "t.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static char text[65536];

/* Collects the lines of maps that lie inside [lo, hi). Reads with
 * open/read: stdio's buffer could be mmapped into the range under test. */
static int lines_in(unsigned long lo, unsigned long hi, unsigned long start[], unsigned long end[], char perms[][5]) {
    int fd = open("/proc/self/maps", O_RDONLY);
    CHECK(fd >= 0);
    size_t len = 0;
    ssize_t got;
    while ((got = read(fd, text + len, sizeof text - 1 - len)) > 0)
        len += got;
    CHECK(got == 0);
    close(fd);
    text[len] = 0;
    int n = 0;
    for (char *line = text; *line; line = strchr(line, '\n') + 1) {
        unsigned long s, e;
        char p[5];
        if (sscanf(line, "%lx-%lx %4s", &s, &e, p) != 3)
            FAIL("bad maps line: %s", line);
        if (s >= lo && e <= hi && n < 8) {
            start[n] = s;
            end[n] = e;
            memcpy(perms[n], p, 5);
            n++;
        }
    }
    return n;
}

int main(void) {
    long page = sysconf(_SC_PAGESIZE);
    /* Guard pages around the region keep neighbours from merging with it. */
    char *area = mmap(NULL, 5 * page, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(area != MAP_FAILED);
    char *p = mmap(area + page, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    CHECK(p == area + page);
    unsigned long lo = (unsigned long)p, hi = lo + 3 * page;
    unsigned long s[8], e[8];
    char perms[8][5];

    CHECK_EQ(lines_in(lo, hi, s, e, perms), 1);
    CHECK_EQ(s[0], lo);
    CHECK_EQ(e[0], hi);
    CHECK(strcmp(perms[0], "rw-p") == 0);

    CHECK_OK(mprotect(p + page, page, PROT_READ));
    CHECK_EQ(lines_in(lo, hi, s, e, perms), 3);
    CHECK(s[0] == lo && e[0] == lo + page && strcmp(perms[0], "rw-p") == 0);
    CHECK(s[1] == lo + page && e[1] == lo + 2 * page && strcmp(perms[1], "r--p") == 0);
    CHECK(s[2] == lo + 2 * page && e[2] == hi && strcmp(perms[2], "rw-p") == 0);

    CHECK_OK(mprotect(p + page, page, PROT_READ | PROT_WRITE));
    CHECK_EQ(lines_in(lo, hi, s, e, perms), 1); /* merged again */

    CHECK_OK(munmap(p, 3 * page));
    CHECK_EQ(lines_in(lo, hi, s, e, perms), 0);
    /* The PROT_NONE guards are still listed, as "---p". */
    CHECK_EQ(lines_in((unsigned long)area, (unsigned long)area + page, s, e, perms), 1);
    CHECK(strcmp(perms[0], "---p") == 0);
    PASS();
}
