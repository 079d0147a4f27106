#!/bin/sh
# busybox renice sets a process's nice value absolutely and by increment
# (getpriority/setpriority with PRIO_PROCESS), and /proc/<pid>/stat shows
# it in fields 18 (20 + nice) and 19 (nice). Before weft had policies
# setpriority changed nothing and stat always showed 20 0; this fails
# there and passes on Linux.
export PATH="${PATH:+$PATH:}/bin:/sbin:/usr/bin"

sleep 30 &
p=$!
fail() { echo "FAIL $*"; kill $p; exit 1; }
busybox renice 7 -p $p > /dev/null || fail "renice 7"
set -- $(cat /proc/$p/stat)
[ "${18} ${19}" = "27 7" ] || fail "after renice 7: fields 18 19 are ${18} ${19}"
busybox renice -n 3 -p $p > /dev/null || fail "renice -n 3"
set -- $(cat /proc/$p/stat)
[ "${18} ${19}" = "30 10" ] || fail "after renice -n 3: fields 18 19 are ${18} ${19}"
kill $p
echo PASS
exit 0
