/* Writes of at most PIPE_BUF bytes are atomic: four writers each write
 * PIPE_BUF-sized records concurrently into one pipe, and the reader finds
 * every record whole (never interleaved with another), each writer's
 * records in order. */
#include "t.h"
#include <limits.h>
#include <sys/wait.h>
#include <unistd.h>

#define WRITERS 4
#define RECORDS 40

int main(void)
{
    int p[2];
    CHECK_OK(pipe(p));
    pid_t pids[WRITERS];
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        CHECK(pids[w] >= 0);
        if (pids[w] == 0) {
            close(p[0]);
            static unsigned char rec[PIPE_BUF];
            for (int r = 0; r < RECORDS; r++) {
                memset(rec, 'A' + w, sizeof rec);
                rec[0] = (unsigned char)r;
                if (write(p[1], rec, sizeof rec) != sizeof rec)
                    _exit(1);
            }
            _exit(0);
        }
    }
    close(p[1]);
    int next[WRITERS] = {0};
    static unsigned char rec[PIPE_BUF];
    for (int k = 0; k < WRITERS * RECORDS; k++) {
        size_t got = 0;
        while (got < sizeof rec) {
            ssize_t n = read(p[0], rec + got, sizeof rec - got);
            CHECK(n > 0);
            got += n;
        }
        int w = rec[1] - 'A';
        CHECK(w >= 0 && w < WRITERS);
        CHECK_EQ(rec[0], next[w]);
        next[w]++;
        for (size_t i = 1; i < sizeof rec; i++)
            if (rec[i] != 'A' + w)
                FAIL("record %d: byte %zu is '%c' in a record of '%c'", k, i, rec[i], 'A' + w);
    }
    char c;
    CHECK_EQ(read(p[0], &c, 1), 0);
    for (int w = 0; w < WRITERS; w++) {
        int st;
        CHECK_EQ(waitpid(pids[w], &st, 0), pids[w]);
        CHECK_EQ(WEXITSTATUS(st), 0);
    }
    PASS();
}
