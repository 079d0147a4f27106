/* set_thread_area and get_thread_area are for 32-bit programs: a 64-bit
 * process on Linux 6.1 x86_64 gets ENOSYS from both (it sets its TLS with
 * arch_prctl(ARCH_SET_FS)), and the user_desc is left as it was. Checked
 * on Linux 6.1 in QEMU. */
#include "t.h"
#include <sys/syscall.h>
#include <unistd.h>

int main(void) {
    unsigned int desc[4] = {(unsigned)-1, 0x1000, 0xfffff, 0x51};
    CHECK_ERR(syscall(SYS_set_thread_area, desc), ENOSYS);
    CHECK_EQ((int)desc[0], -1);
    unsigned int got[4] = {12, 0, 0, 0};
    CHECK_ERR(syscall(SYS_get_thread_area, got), ENOSYS);
    CHECK_EQ(got[1], 0);
    PASS();
}
