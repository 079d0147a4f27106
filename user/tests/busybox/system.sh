#!/bin/sh
# System information applets: uname id whoami hostname env nproc free uptime
# true false which time tty sync printf. Output that differs between
# machines is checked for shape, not value. A mismatch prints a unified diff
# and the script exits 1 at the end.

# Works whatever PATH the runner passes (busybox applets first if present).
export PATH="${PATH:+$PATH:}/bin:/sbin:/usr/bin"
umask 022

T=$(mktemp -d /tmp/weft-bb-system.XXXXXX) || exit 1
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
    uname
    uname -m
    [ -n "$(uname -r)" ] && echo "release set"
    [ "$(uname -s)" = "$(uname)" ] && echo "-s is the default"
    uname -a | grep -q "^Linux " && echo "uname -a starts with Linux"
} > "$G"
expect uname <<'EOF'
Linux
x86_64
release set
-s is the default
uname -a starts with Linux
EOF

{
    u=$(id -u); g=$(id -g)
    case $u in *[!0-9]* | '') echo "bad uid $u" ;; *) echo "uid numeric" ;; esac
    case $g in *[!0-9]* | '') echo "bad gid $g" ;; *) echo "gid numeric" ;; esac
    id | grep -q "^uid=$u" && echo "id line ok"
    if [ "$u" = 0 ]; then [ "$(whoami)" = root ] && echo "whoami ok"; else echo "whoami ok"; fi
    [ -n "$(hostname)" ] && echo "hostname set"
    n=$(nproc)
    [ "$n" -ge 1 ] && echo "nproc >= 1"
} > "$G"
expect ids_hostname_nproc <<'EOF'
uid numeric
gid numeric
id line ok
whoami ok
hostname set
nproc >= 1
EOF

{
    env -i A=1 B=2 env | sort
    echo "only PATH: $(env -i PATH="$PATH" env | wc -l)"
    env -u HOME sh -c 'echo "HOME=[${HOME}]"'
    X=1 env | grep -c '^X=1$'
} > "$G"
expect env <<'EOF'
A=1
B=2
only PATH: 1
HOME=[]
1
EOF

{
    free | head -1 | awk '{ print $1, $2 }'
    free | awk '/^Mem:/ { print ($2 > 0 ? "total > 0" : "no memory"), ($3 <= $2 ? "used <= total" : "used > total") }'
    uptime | grep -q 'load average' && echo "uptime shows load"
} > "$G"
expect free_uptime <<'EOF'
total used
total > 0 used <= total
uptime shows load
EOF

{
    true; echo "true $?"
    false; echo "false $?"
    which sh > /dev/null && echo "which finds sh"
    which no-such-weft-command > /dev/null; echo "which missing $?"
    time true 2> "$T/time"
    grep -q real "$T/time" && echo "time reports real"
    tty < /dev/null > /dev/null; echo "tty on /dev/null: $?"
    sync && echo "sync ok"
    printf '%d+%d=%d\n' 2 3 $((2 + 3))
} > "$G"
expect misc <<'EOF'
true 0
false 1
which finds sh
which missing 1
time reports real
tty on /dev/null: 1
sync ok
2+3=5
EOF

if [ "$fails" -ne 0 ]; then
    echo "$0: $fails check(s) failed"
    exit 1
fi
exit 0
