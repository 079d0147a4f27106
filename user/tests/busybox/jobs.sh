#!/bin/sh
# Background jobs and signals from the shell: & and $!, wait (all, one pid,
# exit statuses, 128+N for a signal), kill (-0, TERM, KILL, by name),
# trap on a signal, sleep, usleep, timeout, parallel pipelines, and a job
# that outlives a subshell. A mismatch prints a unified diff and the script
# exits 1 at the end.

# Works whatever PATH the runner passes (busybox applets first if present).
export PATH="${PATH:+$PATH:}/bin:/sbin:/usr/bin"
umask 022

T=$(mktemp -d /tmp/weft-bb-jobs.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
fails=0
G=$T/got

expect() {
    cat > "$T/want"
    if ! cmp -s "$T/want" "$G"; then
        echo "FAIL $1"
        diff -u "$T/want" "$G" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
}

{
    (sleep 0.2; echo slow > "$T/slow") &
    (echo fast > "$T/fast") &
    wait
    cat "$T/fast" "$T/slow"
    sh -c 'exit 7' &
    p=$!
    wait $p; echo "wait status $?"
    sh -c 'exit 0' & a=$!
    sh -c 'exit 3' & b=$!
    wait $b; echo "b: $?"
    wait $a; echo "a: $?"
    for i in 1 2 3 4; do (echo "job $i" > "$T/job$i") & done
    wait
    cat "$T"/job* | sort
} > "$G"
expect background_and_wait <<'EOF'
fast
slow
wait status 7
b: 3
a: 0
job 1
job 2
job 3
job 4
EOF

{
    sleep 10 & p=$!
    kill -0 $p && echo "alive"
    kill $p
    wait $p; echo "TERM status $?"
    sleep 10 & p=$!
    kill -KILL $p
    wait $p; echo "KILL status $?"
    # SIGINT is not checked here: a non-interactive shell makes background
    # jobs ignore it, and whether the kill lands before the child does so
    # is a race (on Linux too).
    kill -0 $p 2>/dev/null || echo "gone"
    kill -l 15
} > "$G" 2> "$T/stderr" # the shell reports "Terminated"/"Killed" on stderr
expect kill_statuses <<'EOF'
alive
TERM status 143
KILL status 137
gone
TERM
EOF

{
    sh -c 'trap "echo got USR1; exit 0" USR1; echo ready > '"$T"'/ready; while :; do sleep 0.05; done' &
    p=$!
    i=0
    while [ ! -s "$T/ready" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
    kill -USR1 $p
    wait $p; echo "trapped status $?"
    sh -c 'trap "" TERM; kill -TERM $$; echo survived ignored TERM'
} > "$G"
expect traps <<'EOF'
got USR1
trapped status 0
survived ignored TERM
EOF

{
    s=$(date +%s)
    sleep 1
    e=$(date +%s)
    [ $((e - s)) -ge 1 ] && echo "slept at least 1s"
    usleep 1000 && echo "usleep ok"
    timeout 1 sleep 10; echo "timeout status $?"
    timeout 5 true; echo "timeout fast status $?"
    date -u -d @0 '+%Y-%m-%d %H:%M:%S'
    date -u -d @86400 +%A
    [ "$(date +%Y)" -ge 2020 ] && echo "year sane"
} > "$G" 2> "$T/stderr"
expect sleep_timeout_date <<'EOF'
slept at least 1s
usleep ok
timeout status 143
timeout fast status 0
1970-01-01 00:00:00
Friday
year sane
EOF

{
    # Two pipelines running at once, joined by wait.
    seq 1 300 | awk '{ s += $1 } END { print s }' > "$T/s1" &
    seq 1 300 | sort -rn | head -1 > "$T/s2" &
    wait
    cat "$T/s1" "$T/s2"
    # A producer and consumer through a named file, in the background.
    (for i in 1 2 3; do echo "tick $i"; done) | (while read l; do echo "<$l>"; done) &
    wait
    # yes feeding head must end when head exits (SIGPIPE).
    yes weft | head -n 3 | tr '\n' ' '; echo
    # A background job left running by a subshell is still waitable by nobody
    # here; it just must not block the script.
    (sleep 0.1 &) ; echo "subshell returned"
} > "$G"
expect pipelines_in_background <<'EOF'
45150
300
<tick 1>
<tick 2>
<tick 3>
weft weft weft 
subshell returned
EOF

if [ "$fails" -ne 0 ]; then
    echo "$0: $fails check(s) failed"
    exit 1
fi
exit 0
