/* PR_SET_DUMPABLE takes 0 or 1 (2, SUID_DUMP_ROOT, is EINVAL) and
 * PR_GET_DUMPABLE returns it; PR_SET_KEEPCAPS takes 0 or 1 (2 is EINVAL)
 * and PR_GET_KEEPCAPS returns it (root starts with 0). Checked on Linux
 * 6.1 in QEMU. */
#include "t.h"
#include <sys/prctl.h>
#include <unistd.h>

int main(void) {
    CHECK_EQ(prctl(PR_GET_DUMPABLE), 1);
    CHECK_ERR(prctl(PR_SET_DUMPABLE, 2), EINVAL);
    CHECK_OK(prctl(PR_SET_DUMPABLE, 0));
    CHECK_EQ(prctl(PR_GET_DUMPABLE), 0);
    CHECK_OK(prctl(PR_SET_DUMPABLE, 1));
    CHECK_EQ(prctl(PR_GET_DUMPABLE), 1);

    CHECK_EQ(prctl(PR_GET_KEEPCAPS), 0);
    CHECK_ERR(prctl(PR_SET_KEEPCAPS, 2), EINVAL);
    CHECK_OK(prctl(PR_SET_KEEPCAPS, 1));
    CHECK_EQ(prctl(PR_GET_KEEPCAPS), 1);
    CHECK_OK(prctl(PR_SET_KEEPCAPS, 0));
    CHECK_EQ(prctl(PR_GET_KEEPCAPS), 0);

    CHECK_ERR(prctl(0x7fff1234, 0, 0, 0, 0), EINVAL);
    PASS();
}
