/* sysinfo: uptime positive, total RAM non-zero and at least free RAM,
 * mem_unit non-zero, procs at least 1. */
#include "t.h"
#include <sys/sysinfo.h>

int main(void)
{
    struct sysinfo si;
    memset(&si, 0, sizeof si);
    CHECK_OK(sysinfo(&si));
    CHECK(si.uptime >= 0);
    CHECK(si.mem_unit > 0);
    CHECK(si.totalram > 0);
    CHECK(si.freeram <= si.totalram);
    CHECK(si.procs >= 1);
    CHECK((unsigned long long)si.totalram * si.mem_unit >= 16ULL << 20);
    PASS();
}
