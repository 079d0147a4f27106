/* /proc/self/stat's layout fields and status's VmData/VmStk, as Linux
 * keeps them (mm->start_code and neighbours, set at exec; data_vm and
 * stack_vm, counted as mappings change):
 * - startcode <= main < endcode, and status VmExe is endcode - startcode
 *   rounded out to pages;
 * - an initialised global lies in start_data..end_data;
 * - startstack is the first stack pointer, where argc is: argv - 8;
 * - a thread's task/<tid>/stat shows the same fields;
 * - VmData grows by a private writable mapping's size, shrinks when it
 *   becomes read-only and grows back; a MAP_GROWSDOWN mapping counts in
 *   VmStk, not VmData.
 * Checked on Linux 6.1 in QEMU. */
#include "t.h"
#include "sysstate.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

int initialised_global = 42;

/* Field n (1-based, as proc(5) numbers them) of a stat line. */
static unsigned long long stat_field(const char *path, int n)
{
    char buf[1024];
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0);
    ssize_t len = read(fd, buf, sizeof buf - 1);
    CHECK(len > 0);
    buf[len] = 0;
    close(fd);
    char *p = strrchr(buf, ')');
    CHECK(p != NULL);
    p += 2; /* field 3, the state */
    for (int i = 3; i < n; i++) {
        p = strchr(p, ' ');
        CHECK(p != NULL);
        p++;
    }
    return strtoull(p, NULL, 10);
}

enum { STARTCODE = 26, ENDCODE = 27, STARTSTACK = 28, START_DATA = 45, END_DATA = 46 };
static const int layout_fields[] = { STARTCODE, ENDCODE, STARTSTACK, START_DATA, END_DATA };

static char thread_stat_path[64];

static void *read_own_stat(void *arg)
{
    (void)arg;
    snprintf(thread_stat_path, sizeof thread_stat_path, "/proc/self/task/%ld/stat", (long)syscall(SYS_gettid));
    for (unsigned i = 0; i < sizeof layout_fields / sizeof layout_fields[0]; i++)
        CHECK_EQ(stat_field(thread_stat_path, layout_fields[i]), stat_field("/proc/self/stat", layout_fields[i]));
    return NULL;
}

int main(int argc, char **argv)
{
    (void)argc;
    const char *self = "/proc/self/stat";
    uintptr_t start_code = stat_field(self, STARTCODE), end_code = stat_field(self, ENDCODE);
    CHECK(start_code <= (uintptr_t)main && (uintptr_t)main < end_code);
    long exe_kb = (long)((((end_code + 4095) & ~4095UL) - (start_code & ~4095UL)) / 1024);
    CHECK_EQ(self_status_kb("VmExe"), exe_kb);

    uintptr_t start_data = stat_field(self, START_DATA), end_data = stat_field(self, END_DATA);
    CHECK(start_data <= (uintptr_t)&initialised_global && (uintptr_t)&initialised_global < end_data);
    CHECK_EQ(stat_field(self, STARTSTACK), (uintptr_t)argv - 8);

    pthread_t t;
    CHECK_EQ(pthread_create(&t, NULL, read_own_stat, NULL), 0);
    CHECK_EQ(pthread_join(t, NULL), 0);

    long data = self_status_kb("VmData"), stack = self_status_kb("VmStk");
    char *p = mmap(0, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p != MAP_FAILED);
    CHECK_EQ(self_status_kb("VmData"), data + 256);
    CHECK_OK(mprotect(p + 16 * 4096, 16 * 4096, PROT_READ));
    CHECK_EQ(self_status_kb("VmData"), data + 192);
    CHECK_OK(mprotect(p, 64 * 4096, PROT_READ | PROT_WRITE));
    CHECK_EQ(self_status_kb("VmData"), data + 256);
    CHECK_OK(munmap(p, 64 * 4096));
    CHECK_EQ(self_status_kb("VmData"), data);

    char *down = mmap(0, 8 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_GROWSDOWN, -1, 0);
    CHECK(down != MAP_FAILED);
    CHECK_EQ(self_status_kb("VmStk"), stack + 32);
    CHECK_EQ(self_status_kb("VmData"), data);
    CHECK_OK(munmap(down, 8 * 4096));
    CHECK_EQ(self_status_kb("VmStk"), stack);
    PASS();
}
