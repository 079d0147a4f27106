/* /proc/self/status: "Key:\tvalue" lines as Linux prints them. Name is the
 * comm, State "R (running)", Tgid/Pid/PPid the ids, Uid four ids, Threads
 * the count, VmRSS in kB, SigBlk the blocked mask in 16 hex digits (bit
 * n-1 for signal n) and SigCgt the caught signals. */
#include "t.h"
#include <signal.h>
#include <unistd.h>

static char text[8192];

static const char *field(const char *key) {
    size_t len = strlen(key);
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, len) == 0 && line[len] == ':' && line[len + 1] == '\t')
            return line + len + 2;
    FAIL("no %s line", key);
}

static void on_usr2(int sig) { (void)sig; }

int main(void) {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK_OK(sigprocmask(SIG_BLOCK, &set, NULL));
    signal(SIGUSR2, on_usr2);

    FILE *f = fopen("/proc/self/status", "r");
    CHECK(f != NULL);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    CHECK(n > 0);
    text[n] = 0;

    CHECK(strncmp(field("Name"), "status_self_fie\n", 16) == 0);
    CHECK(strncmp(field("State"), "R (running)\n", 12) == 0);
    CHECK_EQ(atoi(field("Tgid")), getpid());
    CHECK_EQ(atoi(field("Pid")), getpid());
    CHECK_EQ(atoi(field("PPid")), getppid());
    CHECK_EQ(atoi(field("Threads")), 1);
    unsigned uid[4];
    CHECK_EQ(sscanf(field("Uid"), "%u\t%u\t%u\t%u", &uid[0], &uid[1], &uid[2], &uid[3]), 4);
    CHECK_EQ(uid[0], getuid());
    CHECK_EQ(uid[1], geteuid());
    long rss = 0;
    char unit[8] = "";
    CHECK_EQ(sscanf(field("VmRSS"), "%ld %7s", &rss, unit), 2);
    CHECK(rss > 0);
    CHECK(strcmp(unit, "kB") == 0);
    CHECK(strncmp(field("SigBlk"), "0000000000000200\n", 17) == 0); /* SIGUSR1 = 10 */
    CHECK(strncmp(field("SigCgt"), "0000000000000800\n", 17) == 0); /* SIGUSR2 = 12 */
    PASS();
}
