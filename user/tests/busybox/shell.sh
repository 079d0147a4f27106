#!/bin/sh
# The busybox shell (ash): sh -c, variables, quoting, functions, here
# documents, redirections, pipelines and their status, subshells, command
# substitution, arithmetic, case, loops, read, set -e, trap EXIT, exec.
# A mismatch prints a unified diff and the script exits 1 at the end.

# Works whatever PATH the runner passes (busybox applets first if present).
export PATH="${PATH:+$PATH:}/bin:/sbin:/usr/bin"
umask 022

T=$(mktemp -d /tmp/weft-bb-shell.XXXXXX) || exit 1
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
    sh -c 'echo "args: $0 $1 $2 ($#)"' zero one two
    sh -c 'exit 3'; echo "status $?"
    sh -c 'echo out; echo err >&2' 2>/dev/null
    sh -c 'echo $$' > /dev/null && echo "sh -c ok"
    echo 'echo from stdin' | sh
} > "$G"
expect sh_c <<'EOF'
args: zero one two (2)
status 3
out
sh -c ok
from stdin
EOF

{
    a="two words"
    b=$a
    echo "$b" $b
    printf '[%s]' $a; echo
    printf '[%s]' "$a"; echo
    echo '$a' "\$a" "${a}s" "${unset_var:-default}" "${a#two }" "${a%words}" "${#a}"
    set -- x "y z"
    echo "$#" "$1" "$2"
    for i in "$@"; do printf '<%s>' "$i"; done; echo
    export EXPORTED=yes
    sh -c 'echo "child sees $EXPORTED"'
    NOTEXP=no
    sh -c 'echo "child sees [${NOTEXP}]"'
    VAR=temp sh -c 'echo "prefix assignment: $VAR"'
} > "$G"
expect variables_quoting <<'EOF'
two words two words
[two][words]
[two words]
$a $a two wordss default words two  9
2 x y z
<x><y z>
child sees yes
child sees []
prefix assignment: temp
EOF

{
    greet() { echo "hello $1"; return 4; }
    greet weft; echo "returned $?"
    count() { local n=0; for x in "$@"; do n=$((n + 1)); done; echo $n; }
    count a b c
    fact() { if [ "$1" -le 1 ]; then echo 1; else echo $(( $1 * $(fact $(( $1 - 1 ))) )); fi; }
    fact 6
} > "$G"
expect functions <<'EOF'
hello weft
returned 4
3
720
EOF

{
    cat <<EOF
expanded: $((6 * 7))
EOF
    cat <<'EOF'
literal: $((6 * 7))
EOF
    cat <<-EOF
	tabs stripped
	EOF
    x=$(cat <<EOF
inside substitution
EOF
)
    echo "$x"
} > "$G"
expect here_documents <<'EOF'
expanded: 42
literal: $((6 * 7))
tabs stripped
inside substitution
EOF

{
    echo first > "$T/f"
    echo second >> "$T/f"
    cat < "$T/f"
    ls /nonexistent-weft 2> "$T/err" || true
    [ -s "$T/err" ] && echo "stderr captured"
    { echo to-stdout; echo to-stderr >&2; } 2>&1 | sort
    echo discarded > /dev/null
    exec 3> "$T/fd3"
    echo via fd 3 >&3
    exec 3>&-
    cat "$T/fd3"
    exec 4< "$T/f"
    read line <&4
    echo "read from fd 4: $line"
    exec 4<&-
    : > "$T/f"
    wc -c < "$T/f"
} > "$G"
expect redirections <<'EOF'
first
second
stderr captured
to-stderr
to-stdout
via fd 3
read from fd 4: first
0
EOF

{
    echo abc | tr a-z A-Z | rev
    false | true; echo "pipeline status $?"
    true | false; echo "pipeline status $?"
    ! false; echo "negated $?"
    seq 1 5 | while read n; do echo "line $n"; done | tail -2
    true && echo and-yes
    false && echo and-no
    false || echo or-yes
} > "$G"
expect pipelines_and_lists <<'EOF'
CBA
pipeline status 0
pipeline status 1
negated 0
line 4
line 5
and-yes
or-yes
EOF

{
    x=outer
    (x=inner; echo "in subshell $x"; exit 5); echo "subshell status $?"
    echo "after subshell $x"
    (cd /; pwd)
    echo "cwd kept: $( [ "$(pwd)" != / ] && echo yes )"
    n=$(echo nested $(echo deep))
    echo "$n"
    old=`echo backticks`
    echo "$old"
    { x=grouped; }
    echo "group changed $x"
} > "$G"
expect subshells_substitution <<'EOF'
in subshell inner
subshell status 5
after subshell outer
/
cwd kept: yes
nested deep
backticks
group changed grouped
EOF

{
    echo $((1 + 2 * 3)) $((10 / 3)) $((10 % 3)) $((-7 + 2)) $((1 << 10)) $((0x10)) $((7 > 3))
    i=0; while [ $i -lt 5 ]; do i=$((i + 1)); done; echo "while $i"
    until [ $i -eq 0 ]; do i=$((i - 2)); [ $i -lt 0 ] && i=0; done; echo "until $i"
    for w in a b c; do printf %s "$w"; done; echo
    for n in 1 2 3 4 5 6; do [ $n -eq 2 ] && continue; [ $n -eq 5 ] && break; printf %s $n; done; echo
    for f in apple.c notes.txt Makefile x; do
        case $f in
        *.c) echo "$f: C" ;;
        *.txt | *.md) echo "$f: text" ;;
        [A-Z]*) echo "$f: capital" ;;
        *) echo "$f: other" ;;
        esac
    done
} > "$G"
expect arithmetic_loops_case <<'EOF'
7 3 1 -5 1024 16 1
while 5
until 0
abc
134
apple.c: C
notes.txt: text
Makefile: capital
x: other
EOF

{
    printf 'a b c\nd e\n' | { read x y; echo "x=$x y=$y"; read z; echo "z=$z"; }
    echo 'k1=v1' | { IFS== read k v; echo "$k -> $v"; }
    sh -c 'set -e; echo before; false; echo not-reached'; echo "set -e status $?"
    sh -c 'trap "echo exit trap" EXIT; echo body'
    sh -c 'exec echo replaced; echo not-reached'
    sh -c 'type echo >/dev/null && command -v sh >/dev/null && echo builtins ok'
    eval 'e1=evaluated'; echo "$e1"
    sh -c 'shift 2>/dev/null; set -u; echo "${undefined_var_x}"' 2>/dev/null; [ $? -ne 0 ] && echo "set -u fails"
} > "$G"
expect read_set_trap_exec <<'EOF'
x=a y=b c
z=d e
k1 -> v1
before
set -e status 1
body
exit trap
replaced
builtins ok
evaluated
set -u fails
EOF

if [ "$fails" -ne 0 ]; then
    echo "$0: $fails check(s) failed"
    exit 1
fi
exit 0
