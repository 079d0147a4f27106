/* weft user-space test helpers.
 *
 * Every test program checks one behaviour. It exits 0 when the behaviour
 * holds and non-zero otherwise, printing why with the CHECK macros. The
 * runner (/sbin/testrunner) prints one result line per program, which
 * `cargo xtask test` collects:
 *
 *     TEST threads/join_returns_value PASS
 *     TEST threads/cond_broadcast FAIL (exit 1)
 *
 * Each test must pass on Linux too: build it with `musl-gcc -static` and
 * run it on the host before trusting it on weft.
 */
#ifndef WEFT_T_H
#define WEFT_T_H

#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fails the test (exit 1) with the location and message. */
#define FAIL(...)                                                        \
    do {                                                                 \
        printf("FAIL %s:%d: ", __FILE__, __LINE__);                      \
        printf(__VA_ARGS__);                                             \
        printf("\n");                                                    \
        fflush(stdout);                                                  \
        exit(1);                                                         \
    } while (0)

/* Checks a condition. */
#define CHECK(cond)                                                      \
    do {                                                                 \
        if (!(cond))                                                     \
            FAIL("check failed: %s (errno %d %s)", #cond, errno, strerror(errno)); \
    } while (0)

/* Checks that two integers are equal. */
#define CHECK_EQ(a, b)                                                   \
    do {                                                                 \
        long long _a = (long long)(a), _b = (long long)(b);              \
        if (_a != _b)                                                    \
            FAIL("%s == %lld, expected %s == %lld", #a, _a, #b, _b);     \
    } while (0)

/* Checks that a call returned -1 with errno `err`. */
#define CHECK_ERR(call, err)                                             \
    do {                                                                 \
        errno = 0;                                                       \
        long long _r = (long long)(call);                                \
        int _e = errno;                                                  \
        if (_r != -1 || _e != (err))                                     \
            FAIL("%s returned %lld errno %d (%s), expected -1 errno %d (%s)", \
                 #call, _r, _e, strerror(_e), (err), strerror(err));     \
    } while (0)

/* Checks that a call did not return -1. */
#define CHECK_OK(call)                                                   \
    do {                                                                 \
        errno = 0;                                                       \
        if ((long long)(call) == -1)                                     \
            FAIL("%s failed: errno %d (%s)", #call, errno, strerror(errno)); \
    } while (0)

/* Checks a pthread-style call that returns an error number. */
#define CHECK_PT(call)                                                   \
    do {                                                                 \
        int _r = (call);                                                 \
        if (_r != 0)                                                     \
            FAIL("%s returned %d (%s)", #call, _r, strerror(_r));        \
    } while (0)

/* Ends the test successfully. */
#define PASS()                                                           \
    do {                                                                 \
        fflush(stdout);                                                  \
        exit(0);                                                         \
    } while (0)

#endif
