/* SIGSTOP stops every thread of a multithreaded child (waitpid WUNTRACED
 * reports it stopped and no thread makes progress); SIGCONT resumes them
 * all (waitpid WCONTINUED reports it). */
#include "st.h"

#define N 3

static volatile long *counters;

static void *spin(void *arg)
{
    long i = (long)arg;
    for (;;) {
        counters[i]++;
        sleep_ms(1);
    }
    return 0;
}

static void snapshot(long *out)
{
    for (int i = 0; i < N; i++)
        out[i] = counters[i];
}

int main(void)
{
    int st;
    long a[N], b[N];
    counters = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    CHECK(counters != MAP_FAILED);
    pid_t pid = fork();
    CHECK_OK(pid);
    if (pid == 0) {
        pthread_t t;
        for (long i = 1; i < N; i++)
            pthread_create(&t, 0, spin, (void *)i);
        spin(0);
    }
    /* Wait until every thread runs. */
    for (int i = 0; i < N; i++)
        while (counters[i] < 2)
            sleep_ms(1);
    CHECK_OK(kill(pid, SIGSTOP));
    CHECK_EQ(waitpid(pid, &st, WUNTRACED), pid);
    CHECK(WIFSTOPPED(st));
    CHECK_EQ(WSTOPSIG(st), SIGSTOP);
    snapshot(a);
    sleep_ms(100);
    snapshot(b);
    for (int i = 0; i < N; i++)
        CHECK_EQ(b[i], a[i]);
    CHECK_OK(kill(pid, SIGCONT));
    CHECK_EQ(waitpid(pid, &st, WCONTINUED), pid);
    CHECK(WIFCONTINUED(st));
    long long dl = now_ns(CLOCK_MONOTONIC) + 10000000000LL;
    for (int i = 0; i < N; i++)
        while (counters[i] < b[i] + 2) {
            CHECK(now_ns(CLOCK_MONOTONIC) < dl);
            sleep_ms(1);
        }
    CHECK_OK(kill(pid, SIGKILL));
    CHECK_KILLED_BY(wait_for(pid), SIGKILL);
    PASS();
}
