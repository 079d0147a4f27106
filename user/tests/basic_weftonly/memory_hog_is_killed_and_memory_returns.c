/* A process that touches memory until there is none is killed by the OOM
 * killer with SIGKILL (it is the largest), its parent and the rest of the
 * system carry on, and MemFree comes back. The hog runs two threads, so
 * the kill has a whole group to take down. Never run this on a
 * development host: it eats all of RAM (hence basic_weftonly). */
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "t.h"

static long memfree_kb(void)
{
    FILE *f = fopen("/proc/meminfo", "r");
    CHECK(f != NULL);
    char line[128];
    long kb = -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static void *touch_forever(void *arg)
{
    (void)arg;
    for (;;) {
        char *p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            usleep(1000);
            continue;
        }
        for (long i = 0; i < (16 << 20); i += 4096)
            p[i] = 1;
    }
    return NULL;
}

int main(void)
{
    long before = memfree_kb();
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, touch_forever, NULL);
        touch_forever(NULL);
    }
    int st;
    CHECK_EQ(waitpid(pid, &st, 0), pid);
    CHECK(WIFSIGNALED(st));
    CHECK_EQ(WTERMSIG(st), SIGKILL);
    usleep(200000);
    long after = memfree_kb();
    if (after < before - 16 * 1024)
        FAIL("MemFree %ld kB before, %ld kB after the hog died", before, after);
    PASS();
}
