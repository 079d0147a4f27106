/* uname fills every field with a NUL-terminated, non-empty string (domain
 * name may be "(none)"), machine is "x86_64" and sysname "Linux" (what
 * programs test for). */
#include "t.h"
#include <sys/utsname.h>

int main(void)
{
    struct utsname u;
    memset(&u, 0xff, sizeof u);
    CHECK_OK(uname(&u));
    const char *f[] = {u.sysname, u.nodename, u.release, u.version, u.machine, u.domainname};
    for (int i = 0; i < 6; i++) {
        CHECK(memchr(f[i], 0, sizeof u.sysname) != NULL);
        if (i < 5)
            CHECK(f[i][0] != 0);
    }
    CHECK(!strcmp(u.sysname, "Linux"));
    CHECK(!strcmp(u.machine, "x86_64"));
    PASS();
}
