#!/bin/sh
# Debian's scheduling tools, run as root: chrt (util-linux) sets each
# policy and the kernel reports it back, SCHED_RESET_ON_FORK resets a
# child, chrt -p changes a running process; nice (coreutils) is inherited
# and shown in /proc/<pid>/stat field 19; renice (bsdutils) changes a
# running process. Fails on the weft before issue 14 (SCHED_FIFO was EPERM
# and every thread reported nice 0); passes on Linux 6.1.
export PATH=/usr/bin:/bin:/sbin
fails=0

check() { # name, want, got
    if [ "$2" != "$3" ]; then
        echo "FAIL $1: want [$2] got [$3]"
        fails=$((fails + 1))
    fi
}

# "POLICY PRIORITY" of a pid, from chrt -p.
policy_of() {
    chrt -p "$1" | sed -n 's/.*policy: //p; s/.*priority: //p' | tr '\n' ' ' | sed 's/ $//'
}

for opt in "-f 10:SCHED_FIFO 10" "-r 20:SCHED_RR 20" "-b 0:SCHED_BATCH 0" "-i 0:SCHED_IDLE 0" "-o 0:SCHED_OTHER 0"; do
    args=${opt%%:*}
    want=${opt#*:}
    # shellcheck disable=SC2086
    got=$(chrt $args sh -c 'chrt -p $$' | sed -n 's/.*policy: //p; s/.*priority: //p' | tr '\n' ' ' | sed 's/ $//')
    check "chrt $args" "$want" "$got"
done

got=$(chrt -R -f 5 sh -c 'chrt -p $$' | sed -n 's/.*policy: //p; s/.*priority: //p' | tr '\n' ' ' | sed 's/ $//')
check "chrt -R -f 5" "SCHED_FIFO|SCHED_RESET_ON_FORK 5" "$got"
# (the "; true" makes sh fork the inner shell instead of exec'ing it)
got=$(chrt -R -f 5 sh -c 'sh -c "chrt -p \$\$"; true' | sed -n 's/.*policy: //p; s/.*priority: //p' | tr '\n' ' ' | sed 's/ $//')
check "a child of a reset-on-fork FIFO thread" "SCHED_OTHER 0" "$got"

check "chrt -m FIFO range" "1/99" "$(chrt -m | sed -n 's/^SCHED_FIFO min\/max priority[^:]*: //p')"
check "chrt -m OTHER range" "0/0" "$(chrt -m | sed -n 's/^SCHED_OTHER min\/max priority[^:]*: //p')"

sleep 30 &
pid=$!
chrt -f -p 30 "$pid" >/dev/null
check "chrt -f -p 30 on a running process" "SCHED_FIFO 30" "$(policy_of "$pid")"
chrt -o -p 0 "$pid" >/dev/null
check "back to SCHED_OTHER" "SCHED_OTHER 0" "$(policy_of "$pid")"

check "nice -n 7 nice" "7" "$(nice -n 7 nice)"
check "nice -n 7: stat field 19" "7" "$(nice -n 7 sh -c 'cut -d" " -f19 /proc/$$/stat')"
check "nice -n 3 nice -n 2 nice" "5" "$(nice -n 3 nice -n 2 nice)"

renice -n 4 -p "$pid" >/dev/null
check "renice -n 4: stat field 19" "4" "$(cut -d' ' -f19 /proc/$pid/stat)"
check "renice -n 4: stat field 18" "24" "$(cut -d' ' -f18 /proc/$pid/stat)"
kill "$pid"
wait "$pid" 2>/dev/null

if [ "$fails" -ne 0 ]; then
    echo "$fails check(s) failed"
    exit 1
fi
echo "all scheduling tool checks passed"
