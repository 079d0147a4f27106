/* setitimer/getitimer: an unknown timer or a bad timeval is EINVAL, a bad
 * pointer EFAULT; a fork child starts with its CPU-time timers disarmed
 * while the parent's stay armed (Linux). */
#include "st.h"

int main(void)
{
    struct itimerval it, cur;
    memset(&it, 0, sizeof it);
    it.it_value.tv_sec = 100;
    CHECK_ERR(setitimer(3, &it, 0), EINVAL);
    CHECK_ERR(getitimer(3, &cur), EINVAL);
    it.it_value.tv_usec = 1000000;
    CHECK_ERR(setitimer(ITIMER_VIRTUAL, &it, 0), EINVAL);
    CHECK_ERR(setitimer(ITIMER_PROF, (void *)8, 0), EFAULT);
    CHECK_ERR(getitimer(ITIMER_PROF, (void *)8), EFAULT);

    it.it_value.tv_usec = 0;
    CHECK_OK(setitimer(ITIMER_VIRTUAL, &it, 0));
    CHECK_OK(setitimer(ITIMER_PROF, &it, 0));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        struct itimerval v, p;
        if (getitimer(ITIMER_VIRTUAL, &v) || getitimer(ITIMER_PROF, &p))
            _exit(2);
        _exit(v.it_value.tv_sec == 0 && p.it_value.tv_sec == 0 ? 0 : 1);
    }
    int st = wait_for(pid);
    CHECK_EXITED(st, 0);
    CHECK_OK(getitimer(ITIMER_VIRTUAL, &cur));
    CHECK(cur.it_value.tv_sec >= 99);
    CHECK_OK(getitimer(ITIMER_PROF, &cur));
    CHECK(cur.it_value.tv_sec >= 99);
    PASS();
}
