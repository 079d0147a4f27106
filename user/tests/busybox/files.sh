#!/bin/sh
# busybox file tools: mkdir touch ls cp mv rm ln readlink realpath find xargs
# stat chmod test [ du dd tee mktemp tar gzip gunzip bzip2 md5sum cat.
# Works in a private directory under /tmp; a mismatch prints a unified diff
# and the script exits 1 at the end.

# Works whatever PATH the runner passes (busybox applets first if present).
export PATH="${PATH:+$PATH:}/bin:/sbin:/usr/bin"
umask 022

T=$(mktemp -d /tmp/weft-bb-files.XXXXXX) || exit 1
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

W=$T/w
mkdir "$W" && cd "$W" || exit 1

{
    mkdir -p a/b/c
    touch a/one a/b/two
    echo data > a/b/c/three
    ls a
    ls -1 a/b
    ls -a a/b/c | tr '\n' ' '; echo
    ls -d a/b
    ls -l a/b/c/three | awk '{ print $1, $5, $NF }'
    ls nonexistent 2>/dev/null || echo "ls missing: fails"
} > "$G"
expect mkdir_touch_ls <<'EOF'
b
one
c
two
. .. three 
a/b
-rw-r--r-- 5 a/b/c/three
ls missing: fails
EOF

{
    cp a/b/c/three copy
    cat copy
    cp -r a a2
    find a2 | sort
    mv copy moved
    [ -e copy ] || echo "copy gone"
    cat moved
    mv moved a2/b/
    ls a2/b
    rm a2/b/moved
    rm -r a2
    [ -d a2 ] || echo "a2 gone"
    rm -f does-not-exist && echo "rm -f ok"
    mkdir empty && rmdir empty && echo "rmdir ok"
} > "$G"
expect cp_mv_rm <<'EOF'
data
a2
a2/b
a2/b/c
a2/b/c/three
a2/b/two
a2/one
copy gone
data
c
moved
two
a2 gone
rm -f ok
rmdir ok
EOF

{
    ln -s a/b/c/three sym
    ln a/one hard
    readlink sym
    cat sym
    [ -L sym ] && echo "sym is a link"
    [ -L hard ] || echo "hard is not a link"
    stat -c '%h %F' a/one
    realpath sym | sed "s|^$W/||"
    ln -sf a/one sym
    readlink sym
} > "$G"
expect ln_readlink_realpath_stat <<'EOF'
a/b/c/three
data
sym is a link
hard is not a link
2 regular empty file
a/b/c/three
a/one
EOF

{
    find a -type f | sort
    find a -type d -name 'c'
    find a -name 't*' | sort
    find a -type f | sort | xargs cat
    find a -type f -name three -exec echo found {} \;
    echo 1 2 3 4 5 | xargs -n 2 echo
    printf 'x\ny\n' | xargs -I{} echo item-{}
} > "$G"
expect find_xargs <<'EOF'
a/b/c/three
a/b/two
a/one
a/b/c
a/b/c/three
a/b/two
data
found a/b/c/three
1 2
3 4
5
item-x
item-y
EOF

{
    printf '#!/bin/sh\necho script ran\n' > run.sh
    chmod 755 run.sh
    ./run.sh
    stat -c '%a' run.sh
    chmod u-x,go-rwx run.sh
    stat -c '%a' run.sh
    chmod 644 run.sh
    [ -x run.sh ] || echo "not executable"
    [ -f run.sh ] && [ -r run.sh ] && [ -s run.sh ] && echo "regular, readable, non-empty"
    [ -d a ] && test ! -f a && echo "a is a dir"
    [ -e nothing ] || echo "nothing missing"
    test -z "" && test -n x && [ "abc" = "abc" ] && [ 3 -lt 10 ] && [ 10 -ge 10 ] && echo "test ok"
    [ 2 -gt 3 ]; echo "2 -gt 3: $?"
    [ a != a ]; echo "a != a: $?"
} > "$G"
expect chmod_test <<'EOF'
script ran
755
600
not executable
regular, readable, non-empty
a is a dir
nothing missing
test ok
2 -gt 3: 1
a != a: 1
EOF

{
    dd if=/dev/zero of=zeros bs=1024 count=64 2>/dev/null
    wc -c < zeros
    dd if=a/b/c/three bs=1 skip=1 count=2 2>/dev/null; echo
    printf 'abcdef' | dd bs=2 count=2 2>/dev/null; echo
    du -k zeros | cut -f1 | awk '{ print ($1 >= 64 ? "du ok" : "du small: " $1) }'
    echo teed | tee t1 t2 > /dev/null
    cat t1 t2
    echo more | tee -a t1 | cat
    cat t1
    f=$(mktemp "$W/tmp.XXXXXX") && [ -f "$f" ] && echo "mktemp file"
    d=$(mktemp -d "$W/dir.XXXXXX") && [ -d "$d" ] && echo "mktemp dir"
} > "$G"
expect dd_du_tee_mktemp <<'EOF'
65536
at
abcd
du ok
teed
teed
more
teed
more
mktemp file
mktemp dir
EOF

{
    seq 1 2000 > numbers
    sum1=$(md5sum < numbers)
    tar cf arch.tar a numbers
    tar tf arch.tar | sort
    mkdir unpack && tar xf arch.tar -C unpack
    [ "$(md5sum < unpack/numbers)" = "$sum1" ] && echo "tar roundtrip ok"
    gzip -c numbers > numbers.gz
    [ "$(gunzip -c numbers.gz | md5sum)" = "$sum1" ] && echo "gzip roundtrip ok"
    rm numbers.gz
    gzip numbers && [ -f numbers.gz ] && [ ! -f numbers ] && echo "gzip replaced file"
    gunzip numbers.gz && [ "$(md5sum < numbers)" = "$sum1" ] && echo "gunzip restored file"
    bzip2 -c numbers | bzip2 -d -c | md5sum | cut -d' ' -f1 > b
    [ "$(cat b)  -" = "$sum1" ] && echo "bzip2 roundtrip ok"
    tar czf arch.tgz a && tar tzf arch.tgz | sort | head -2
} > "$G"
expect tar_gzip_bzip2 <<'EOF'
a/
a/b/
a/b/c/
a/b/c/three
a/b/two
a/one
numbers
tar roundtrip ok
gzip roundtrip ok
gzip replaced file
gunzip restored file
bzip2 roundtrip ok
a/
a/b/
EOF

{
    cd a/b
    pwd | sed "s|^$W/||"
    cd ../..
    (cd a/b/c && pwd | sed "s|^$W/||")
    pwd | sed "s|^$W|W|"
} > "$G"
expect cd_pwd <<'EOF'
a/b
a/b/c
W
EOF

cd /
if [ "$fails" -ne 0 ]; then
    echo "$0: $fails check(s) failed"
    exit 1
fi
exit 0
