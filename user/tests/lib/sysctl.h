/* Reading and writing /proc/sys knobs in tests (basic_weftonly: writes
 * change the whole system). */
#ifndef WEFT_SYSCTL_H
#define WEFT_SYSCTL_H

#include <fcntl.h>
#include <unistd.h>

/* The knob's text (up to `len` - 1 bytes), or FAIL. */
static inline void sysctl_read(const char *knob, char *buf, size_t len)
{
    int fd = open(knob, O_RDONLY);
    if (fd < 0)
        FAIL("open %s: %s", knob, strerror(errno));
    ssize_t n = read(fd, buf, len - 1);
    if (n < 0)
        FAIL("read %s: %s", knob, strerror(errno));
    buf[n] = 0;
    close(fd);
}

/* The knob's first number. */
static inline long sysctl_long(const char *knob)
{
    char buf[256];
    sysctl_read(knob, buf, sizeof buf);
    return atol(buf);
}

/* Writes `v`: 0, or -1 with errno from the write (FAIL if open fails). */
static inline int sysctl_write(const char *knob, const char *v)
{
    int fd = open(knob, O_WRONLY);
    if (fd < 0)
        FAIL("open %s for writing: %s", knob, strerror(errno));
    ssize_t r = write(fd, v, strlen(v));
    int e = errno;
    close(fd);
    errno = e;
    return r < 0 ? -1 : 0;
}

#endif
