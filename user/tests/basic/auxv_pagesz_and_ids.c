/* getauxval: AT_PAGESZ is 4096; AT_UID/AT_EUID/AT_GID/AT_EGID match the
 * credentials; AT_SECURE is 0 (no set-id exec); AT_CLKTCK is 100;
 * AT_HWCAP is present. */
#include "t.h"
#include <sys/auxv.h>
#include <unistd.h>

int main(void)
{
    CHECK_EQ(getauxval(AT_PAGESZ), 4096);
    CHECK_EQ(sysconf(_SC_PAGESIZE), 4096);
    errno = 0;
    CHECK_EQ(getauxval(AT_UID), getuid());
    CHECK_EQ(errno, 0);
    CHECK_EQ(getauxval(AT_EUID), geteuid());
    CHECK_EQ(getauxval(AT_GID), getgid());
    CHECK_EQ(getauxval(AT_EGID), getegid());
    CHECK_EQ(errno, 0);
    CHECK_EQ(getauxval(AT_SECURE), 0);
    CHECK_EQ(errno, 0);
    CHECK_EQ(getauxval(AT_CLKTCK), 100);
    (void)getauxval(AT_HWCAP);
    CHECK_EQ(errno, 0);
    PASS();
}
