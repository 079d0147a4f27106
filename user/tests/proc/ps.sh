#!/bin/sh
# ps and /proc show a running multithreaded program: `ps -T` lists each of
# its threads under its tid with the thread's name ({worker}) and the
# program's command line, /proc/<pid>/task holds the same tids, `ps` lists
# the process once, pidof finds it; `killall` ends it by name (it reads
# /proc as pkill does: Debian's busybox-static has no pkill/pgrep applets),
# wait reports SIGTERM, and its /proc directory is gone.

export PATH="${PATH:+$PATH:}/bin:/sbin:/usr/bin"
helper="$(dirname "$0")/task_lists_threads"
[ -x "$helper" ] || { echo "FAIL no helper at $helper"; exit 1; }
out=$(mktemp /tmp/weft-ps.XXXXXX) || exit 1
trap 'rm -f "$out"' EXIT
fails=0
fail() { echo "FAIL ps.sh: $*"; fails=$((fails + 1)); }

"$helper" hold 4 > "$out" &
pid=$!
tries=0
until grep -q "^ready $pid" "$out" && [ "$(ls /proc/$pid/task 2>/dev/null | wc -l)" -eq 4 ]; do
    tries=$((tries + 1))
    if [ $tries -gt 300 ]; then
        echo "FAIL ps.sh: helper $pid not ready: $(cat "$out")"
        kill -9 $pid
        exit 1
    fi
    sleep 0.1
done

tids=$(ls /proc/$pid/task | sort -n)
[ "$(echo $tids | wc -w)" -eq 4 ] || fail "task/ lists $tids"
echo "$tids" | grep -qx "$pid" || fail "task/ lacks the main thread $pid"

ps -T > "$out.ps"
for t in $tids; do
    line=$(awk -v t="$t" '$1 == t' "$out.ps")
    case "$line" in
        *"task_lists_threads hold 4"*) ;;
        *) fail "ps -T has no line for tid $t: [$line]" ;;
    esac
done
workers=$(awk '/\{worker\}/ { print $1 }' "$out.ps" | grep -c -x -F "$(echo "$tids")")
[ "$workers" -eq 3 ] || fail "ps -T shows $workers threads named worker, not 3"
rm -f "$out.ps"

[ "$(ps | awk -v p="$pid" '$1 == p' | wc -l)" -eq 1 ] || fail "ps does not list $pid once"
pidof task_lists_threads | tr ' ' '\n' | grep -qx "$pid" || fail "pidof does not find $pid"

killall task_lists_threads || fail "killall found no task_lists_threads"
wait "$pid"
status=$?
[ "$status" -eq 143 ] || fail "wait status $status, not 143 (SIGTERM)"
[ ! -e /proc/$pid ] || fail "/proc/$pid still exists after the process was reaped"

[ "$fails" -eq 0 ] || exit 1
exit 0
