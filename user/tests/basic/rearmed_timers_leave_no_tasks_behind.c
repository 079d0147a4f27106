/* Re-arming a timer ends the old setting at once: 300 alarm() calls with
 * far deadlines, 300 setitimer(ITIMER_REAL) and 300 timer_settime on one
 * POSIX timer, then disarmed, leave /proc's entry count where it was (weft
 * once kept a sleeping kernel task per setting until its deadline, and a
 * fuzzer piled up thousands). */
#include <dirent.h>
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "t.h"

static int proc_entries(void)
{
    DIR *d = opendir("/proc");
    CHECK(d != NULL);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] >= '0' && e->d_name[0] <= '9';
    closedir(d);
    return n;
}

int main(void)
{
    int before = proc_entries();
    for (int i = 0; i < 300; i++)
        alarm(1000000 + i);
    alarm(0);
    struct itimerval it = {.it_value = {.tv_sec = 100000}};
    for (int i = 0; i < 300; i++)
        CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    it.it_value.tv_sec = 0;
    CHECK_OK(setitimer(ITIMER_REAL, &it, NULL));
    timer_t t;
    struct sigevent ev = {.sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1};
    CHECK_OK(timer_create(CLOCK_MONOTONIC, &ev, &t));
    struct itimerspec ts = {.it_value = {.tv_sec = 100000}};
    for (int i = 0; i < 300; i++)
        CHECK_OK(timer_settime(t, 0, &ts, NULL));
    CHECK_OK(timer_delete(t));
    usleep(100000);
    int after = proc_entries();
    if (after > before + 5)
        FAIL("%d /proc entries before, %d after", before, after);
    PASS();
}
