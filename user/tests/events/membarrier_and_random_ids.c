/* What language runtimes ask at start: membarrier's QUERY lists GLOBAL and
 * PRIVATE_EXPEDITED, PRIVATE_EXPEDITED is EPERM until registered and then
 * works (also with threads running on other CPUs), bad flags are EINVAL;
 * /proc/sys/kernel/random/boot_id reads the same UUID twice, uuid a new
 * one each time, both in the 8-4-4-4-12 form. */
/* musl ships no <linux/membarrier.h>. */
#define MEMBARRIER_CMD_QUERY 0
#define MEMBARRIER_CMD_GLOBAL 1
#define MEMBARRIER_CMD_PRIVATE_EXPEDITED 8
#define MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED 16
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "t.h"

static volatile int stop;

static void *spin(void *arg)
{
    (void)arg;
    while (!stop)
        ;
    return NULL;
}

static int membarrier(int cmd, unsigned flags)
{
    return syscall(SYS_membarrier, cmd, flags, 0);
}

static void read_line(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    CHECK(f != NULL);
    CHECK(fgets(buf, n, f) != NULL);
    fclose(f);
}

static int is_uuid(const char *s)
{
    for (int i = 0; i < 36; i++) {
        int dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    }
    return s[36] == '\n';
}

int main(void)
{
    int q = membarrier(MEMBARRIER_CMD_QUERY, 0);
    CHECK_OK(q);
    CHECK(q & MEMBARRIER_CMD_GLOBAL);
    CHECK(q & MEMBARRIER_CMD_PRIVATE_EXPEDITED);
    CHECK(q & MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED);
    CHECK_ERR(membarrier(MEMBARRIER_CMD_QUERY, 1), EINVAL);
    CHECK_ERR(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0), EPERM);
    CHECK_OK(membarrier(MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0));
    pthread_t t;
    CHECK_PT(pthread_create(&t, NULL, spin, NULL));
    CHECK_OK(membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0));
    CHECK_OK(membarrier(MEMBARRIER_CMD_GLOBAL, 0));
    stop = 1;
    CHECK_PT(pthread_join(t, NULL));

    char a[64], b[64];
    read_line("/proc/sys/kernel/random/boot_id", a, sizeof a);
    read_line("/proc/sys/kernel/random/boot_id", b, sizeof b);
    CHECK(is_uuid(a));
    CHECK_EQ(strcmp(a, b), 0);
    read_line("/proc/sys/kernel/random/uuid", a, sizeof a);
    read_line("/proc/sys/kernel/random/uuid", b, sizeof b);
    CHECK(is_uuid(a) && is_uuid(b));
    CHECK(strcmp(a, b) != 0);
    PASS();
}
