/* Running an external program (Debian's cyclictest, hackbench) from a
 * benchmark wrapper and collecting its output (see bench.h). */
#include "bench.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

/* Forwards the complete lines of out[*done..len) as notes. */
static void forward(const char *out, size_t len, size_t *done, int flush)
{
    while (*done < len) {
        const char *start = out + *done;
        const char *nl = memchr(start, '\n', len - *done);
        if (!nl && !flush)
            return;
        size_t n = nl ? (size_t)(nl - start) : len - *done;
        if (n)
            bench_note("%.*s", (int)n, start);
        *done += n + (nl ? 1 : 0);
    }
}

int external_run(char *const argv[], char *out, size_t cap)
{
    int fds[2];
    if (cap == 0 || pipe(fds))
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(fds[1], 1);
        dup2(fds[1], 2);
        close(fds[0]);
        close(fds[1]);
        char *envp[] = {"PATH=/usr/bin:/bin", NULL};
        execve(argv[0], argv, envp);
        dprintf(1, "cannot execute %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    size_t len = 0, done = 0;
    for (;;) {
        char chunk[512];
        ssize_t got = read(fds[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        size_t keep = (size_t)got;
        if (keep > cap - 1 - len)
            keep = cap - 1 - len;
        memcpy(out + len, chunk, keep);
        len += keep;
        forward(out, len, &done, 0);
    }
    out[len] = 0;
    forward(out, len, &done, 1);
    close(fds[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return status;
}

void external_tail(const char *out, int lines, char *buf, size_t cap)
{
    /* Start of each non-empty line, trimmed (at most 8 kept, newest last). */
    const char *at[8];
    size_t len[8];
    int n = 0;
    if (cap == 0)
        return;
    if (lines > 8)
        lines = 8;
    for (const char *p = out; *p;) {
        const char *nl = strchr(p, '\n');
        size_t l = nl ? (size_t)(nl - p) : strlen(p);
        size_t lead = 0;
        while (lead < l && (p[lead] == ' ' || p[lead] == '\t'))
            lead++;
        size_t end = l;
        while (end > lead && (p[end - 1] == ' ' || p[end - 1] == '\r'))
            end--;
        if (end > lead) {
            if (n == 8) {
                memmove(at, at + 1, sizeof at[0] * 7);
                memmove(len, len + 1, sizeof len[0] * 7);
                n--;
            }
            at[n] = p + lead;
            len[n] = end - lead;
            n++;
        }
        p += l + (nl ? 1 : 0);
    }
    size_t used = 0;
    buf[0] = 0;
    for (int i = n > lines ? n - lines : 0; i < n && used < cap - 1; i++) {
        int w = snprintf(buf + used, cap - used, "%s%.*s", used ? " / " : "", (int)len[i], at[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

void external_failed(const char *path, int status, const char *out, const char *what)
{
    char last[200], how[96];
    /* Programs often say what failed, then why: keep two lines. */
    external_tail(out, 2, last, sizeof last);
    if (status == -1)
        snprintf(how, sizeof how, "running %s: %s", path, strerror(errno));
    else if (WIFSIGNALED(status))
        snprintf(how, sizeof how, "%s killed by signal %d (%s)", path, WTERMSIG(status), strsignal(WTERMSIG(status)));
    else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        snprintf(how, sizeof how, "%s exited with status %d", path, WEXITSTATUS(status));
    else
        snprintf(how, sizeof how, "%s printed no %s", path, what);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && strstr(out, "cannot execute") == out)
        bench_na("failed: %.*s (cargo xtask puts Debian's rt-tests there)", (int)strcspn(out, "\n"), out);
    if (last[0])
        bench_na("failed: %s: \"%s\"", how, last);
    bench_na("failed: %s (no output)", how);
}
