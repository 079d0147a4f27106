/* A program linked the usual Debian way (gcc -pthread, dynamic, glibc's
 * ld.so and libc.so.6) runs: the loader relocates it, malloc works from
 * its first call (ld.so's early arena lives in the zeroed tail of its .bss
 * page), threads start and join, and stdio prints. */
#include <pthread.h>
#include <stdint.h>

#include "t.h"

#define THREADS 4

static void *worker(void *arg)
{
    uintptr_t n = (uintptr_t)arg;
    size_t total = 0;
    for (int i = 1; i <= 200; i++) {
        char *p = malloc(i * 16);
        if (!p)
            return NULL;
        memset(p, (int)n, i * 16);
        total += (unsigned char)p[i * 16 - 1];
        free(p);
    }
    return (void *)(total == 200 * n ? (uintptr_t)1 : (uintptr_t)0);
}

int main(void)
{
    pthread_t t[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        CHECK_PT(pthread_create(&t[i], NULL, worker, (void *)(i + 1)));
    for (int i = 0; i < THREADS; i++) {
        void *ok;
        CHECK_PT(pthread_join(t[i], &ok));
        CHECK(ok == (void *)1);
    }
    printf("glibc dynamic: %d threads joined\n", THREADS);
    PASS();
}
