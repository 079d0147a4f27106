/* A unix stream server: bind makes a socket file (S_ISSOCK), a second bind
 * of the name is EADDRINUSE; connect before listen is ECONNREFUSED;
 * accept4 honours SOCK_CLOEXEC; getsockname and getpeername report the
 * path; an abstract name and an autobind (bind with only the family) work
 * too; connect to a missing path is ENOENT. */
#include <fcntl.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "t.h"

static socklen_t addr_of(struct sockaddr_un *a, const char *path, int abstract)
{
    memset(a, 0, sizeof *a);
    a->sun_family = AF_UNIX;
    if (abstract) {
        memcpy(a->sun_path + 1, path, strlen(path));
        return offsetof(struct sockaddr_un, sun_path) + 1 + strlen(path);
    }
    strcpy(a->sun_path, path);
    return sizeof *a;
}

int main(void)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/weft-sock-%d", getpid());
    struct sockaddr_un a, got;
    socklen_t alen = addr_of(&a, path, 0), glen;
    int srv = socket(AF_UNIX, SOCK_STREAM, 0), cli = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    CHECK(srv >= 0 && cli >= 0);
    CHECK_OK(bind(srv, (struct sockaddr *)&a, alen));
    struct stat st;
    CHECK_OK(stat(path, &st));
    CHECK(S_ISSOCK(st.st_mode));
    int dup_srv = socket(AF_UNIX, SOCK_STREAM, 0);
    CHECK_ERR(bind(dup_srv, (struct sockaddr *)&a, alen), EADDRINUSE);
    CHECK_ERR(connect(cli, (struct sockaddr *)&a, alen), ECONNREFUSED);
    CHECK_OK(listen(srv, 4));
    CHECK_OK(connect(cli, (struct sockaddr *)&a, alen));
    int conn = accept4(srv, NULL, NULL, SOCK_CLOEXEC);
    CHECK_OK(conn);
    CHECK(fcntl(conn, F_GETFD) & FD_CLOEXEC);
    glen = sizeof got;
    CHECK_OK(getsockname(conn, (struct sockaddr *)&got, &glen));
    CHECK_EQ(strcmp(got.sun_path, path), 0);
    glen = sizeof got;
    CHECK_OK(getpeername(cli, (struct sockaddr *)&got, &glen));
    CHECK_EQ(strcmp(got.sun_path, path), 0);
    CHECK_EQ(glen, offsetof(struct sockaddr_un, sun_path) + strlen(path) + 1);
    CHECK_EQ(write(cli, "hi", 2), 2);
    char buf[4];
    CHECK_EQ(read(conn, buf, 4), 2);
    unlink(path);

    /* Abstract names live in no directory. */
    int as = socket(AF_UNIX, SOCK_STREAM, 0), ac = socket(AF_UNIX, SOCK_STREAM, 0);
    snprintf(path, sizeof path, "weft-abstract-%d", getpid());
    alen = addr_of(&a, path, 1);
    CHECK_OK(bind(as, (struct sockaddr *)&a, alen));
    CHECK_OK(listen(as, 1));
    CHECK_OK(connect(ac, (struct sockaddr *)&a, alen));
    CHECK_OK(accept(as, NULL, NULL));

    /* Autobind: just the family. */
    int auto_s = socket(AF_UNIX, SOCK_DGRAM, 0);
    CHECK_OK(bind(auto_s, (struct sockaddr *)&a, sizeof(sa_family_t)));
    glen = sizeof got;
    CHECK_OK(getsockname(auto_s, (struct sockaddr *)&got, &glen));
    CHECK_EQ(glen, offsetof(struct sockaddr_un, sun_path) + 6);
    CHECK_EQ(got.sun_path[0], 0);

    int lost = socket(AF_UNIX, SOCK_STREAM, 0);
    alen = addr_of(&a, "/tmp/weft-no-such-socket", 0);
    CHECK_ERR(connect(lost, (struct sockaddr *)&a, alen), ENOENT);
    PASS();
}
