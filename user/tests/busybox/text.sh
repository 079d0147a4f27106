#!/bin/sh
# busybox text tools: echo printf cat grep sed awk sort uniq wc head tail tr
# cut rev fold paste od hexdump md5sum expr seq yes basename dirname diff cmp.
# (This busybox awk has no math library: no ^, sin, ...)
# Each check compares output with the expected text; a mismatch prints a
# unified diff and the script exits 1 at the end.

# Works whatever PATH the runner passes (busybox applets first if present).
export PATH="${PATH:+$PATH:}/bin:/sbin:/usr/bin"
umask 022

T=$(mktemp -d /tmp/weft-bb-text.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
fails=0

# expect NAME: compares $T/got with the expected text on stdin.
expect() {
    cat > "$T/want"
    if ! cmp -s "$T/want" "$T/got"; then
        echo "FAIL $1"
        diff -u "$T/want" "$T/got" | sed 's/^/    /'
        fails=$((fails + 1))
    fi
}

cat > "$T/fruits" <<'EOF'
banana 3 yellow
apple 10 red
cherry 7 red
apple 2 green
date 10 brown
EOF

{ echo hello world; echo -n "no newline"; echo; echo -e 'tab\there'; } > "$T/got"
expect echo <<'EOF'
hello world
no newline
tab	here
EOF

printf '%s|%5d|%-4s|%x|%o|%c|%%\n' str 42 ab 255 8 Z > "$T/got"
printf '%s\n' one two three >> "$T/got"
expect printf <<'EOF'
str|   42|ab  |ff|10|Z|%
one
two
three
EOF

cat "$T/fruits" - "$T/fruits" < /dev/null | wc -l > "$T/got"
echo hi | cat -n >> "$T/got"
expect cat <<'EOF'
10
     1	hi
EOF

{
    grep red "$T/fruits"
    grep -c apple "$T/fruits"
    grep -v -e apple -e red "$T/fruits"
    grep -i BANANA "$T/fruits"
    grep -E '^(date|cherry) ' "$T/fruits" | grep -o '[0-9]*'
    grep -n green "$T/fruits"
    grep -q nothing "$T/fruits" || echo "not found: $?"
    grep -w -c 10 "$T/fruits"
} > "$T/got"
expect grep <<'EOF'
apple 10 red
cherry 7 red
2
banana 3 yellow
date 10 brown
banana 3 yellow
7
10
4:apple 2 green
not found: 1
2
EOF

{
    sed 's/apple/APPLE/' "$T/fruits" | head -2
    sed -n '2,3p' "$T/fruits"
    sed '/red/d' "$T/fruits"
    echo 'a.b.c' | sed 's/\./-/g'
    echo 'key=value' | sed -E 's/([a-z]+)=([a-z]+)/\2=\1/'
    printf 'x\ny\n' | sed -e '1i\
first' -e '$a\
last'
} > "$T/got"
expect sed <<'EOF'
banana 3 yellow
APPLE 10 red
apple 10 red
cherry 7 red
banana 3 yellow
apple 2 green
date 10 brown
a-b-c
value=key
first
x
y
last
EOF

{
    awk '{ s += $2 } END { print "sum", s }' "$T/fruits"
    awk '$3 == "red" { print $1 }' "$T/fruits"
    awk -v OFS=, '{ $1 = $1; print NR, $0 }' "$T/fruits" | tail -1
    awk '{ c[$1]++ } END { n = 0; for (k in c) n++; print n, "kinds" }' "$T/fruits"
    echo "a:b:c" | awk -F: '{ printf "%s-%s %d\n", $3, $1, NF }'
    awk 'BEGIN { x = 2 * 512; print x, length("hello"), substr("weft kernel", 6), toupper("ok") }'
} > "$T/got"
expect awk <<'EOF'
sum 32
apple
cherry
5,date,10,brown
4 kinds
c-a 3
1024 5 kernel OK
EOF

{
    sort "$T/fruits" | cut -d' ' -f1 | tr '\n' ' '; echo
    sort -n -k2 "$T/fruits" | cut -d' ' -f2 | tr '\n' ' '; echo
    sort -r "$T/fruits" | head -1
    cut -d' ' -f1 "$T/fruits" | sort -u | tr '\n' ' '; echo
    sort -t' ' -k3,3 -k2,2n "$T/fruits" | head -2
} > "$T/got"
expect sort <<'EOF'
apple apple banana cherry date 
2 3 7 10 10 
date 10 brown
apple banana cherry date 
date 10 brown
apple 2 green
EOF

{
    cut -d' ' -f3 "$T/fruits" | sort | uniq -c | sed 's/^ *//'
    printf 'a\na\nb\na\n' | uniq
    printf 'a\na\nb\n' | uniq -d
} > "$T/got"
expect uniq <<'EOF'
1 brown
1 green
2 red
1 yellow
a
b
a
a
EOF

{
    wc -l < "$T/fruits"
    wc -w < "$T/fruits"
    wc -c < "$T/fruits"
    printf 'one two\nthree' | wc | awk '{ print $1, $2, $3 }'
} > "$T/got"
expect wc <<'EOF'
5
15
70
1 3 13
EOF

{
    head -n 2 "$T/fruits"
    tail -n 1 "$T/fruits"
    tail -n +4 "$T/fruits"
    head -c 6 "$T/fruits"; echo
    seq 100 | tail -3 | tr '\n' ,; echo
} > "$T/got"
expect head_tail <<'EOF'
banana 3 yellow
apple 10 red
date 10 brown
apple 2 green
date 10 brown
banana
98,99,100,
EOF

{
    echo 'Hello, World' | tr 'a-z' 'A-Z'
    echo 'aabbcc' | tr -d b
    echo 'a   b    c' | tr -s ' '
    echo 'hello' | tr 'lo' '01'
    echo 'abc:def:ghi' | cut -d: -f2,3
    echo 'abcdefgh' | cut -c 2-4
    echo 'abcdef' | rev
    echo 'abcdefghij' | fold -w 4
    printf '1\n2\n3\n' > "$T/p1"; printf 'a\nb\nc\n' > "$T/p2"
    paste "$T/p1" "$T/p2"
    paste -d, -s "$T/p1"
} > "$T/got"
expect tr_cut_rev_fold_paste <<'EOF'
HELLO, WORLD
aacc
a b c
he001
def:ghi
bcd
fedcba
abcd
efgh
ij
1	a
2	b
3	c
1,2,3
EOF

{
    printf 'AB\n' | od -c | head -1
    printf '\001\002\377' | od -An -tx1 | tr -s ' '
    printf 'weft' | hexdump -C | head -1
    printf 'abc' | md5sum
} > "$T/got"
expect od_hexdump_md5sum <<'EOF'
0000000   A   B  \n
 01 02 ff
00000000  77 65 66 74                                       |weft|
900150983cd24fb0d6963f7d28e17f72  -
EOF

{
    expr 2 + 3 \* 4
    expr 17 / 5
    expr 17 % 5
    expr length "weft"
    expr substr "kernel" 2 3
    expr 5 \> 3
    expr abc : 'a\(.\)'
    expr 1 = 2 || echo "expr false: $?"
} > "$T/got"
expect expr <<'EOF'
14
3
2
4
ern
1
b
0
expr false: 1
EOF

{
    seq 3
    seq 2 2 8 | tr '\n' ' '; echo
    seq 5 -1 3 | tr '\n' ' '; echo
    seq -s, 4
    yes | head -3
    yes weft | head -n 2
    yes | head -1000 | wc -l
} > "$T/got"
expect seq_yes <<'EOF'
1
2
3
2 4 6 8 
5 4 3 
1,2,3,4
y
y
y
weft
weft
1000
EOF

{
    basename /usr/local/bin/prog
    basename /path/file.tar.gz .gz
    basename /
    dirname /usr/local/bin/prog
    dirname file
    dirname /top
} > "$T/got"
expect basename_dirname <<'EOF'
prog
file.tar
/
/usr/local/bin
.
/
EOF

printf 'a\nb\nc\n' > "$T/d1"
printf 'a\nB\nc\n' > "$T/d2"
{
    diff "$T/d1" "$T/d1" && echo same
    diff "$T/d1" "$T/d2" > /dev/null; echo "diff status $?"
    cmp -s "$T/d1" "$T/d2"; echo "cmp status $?"
    cmp "$T/d1" "$T/d2" | sed "s|$T/||g"
} > "$T/got"
expect diff_cmp <<'EOF'
same
diff status 1
cmp status 1
d1 d2 differ: char 3, line 2
EOF

if [ "$fails" -ne 0 ]; then
    echo "$0: $fails check(s) failed"
    exit 1
fi
exit 0
