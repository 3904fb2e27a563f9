# Sourced by the demo scripts: sets AVLOC to the avloc program, building
# $ROOT/$BUILD/avloc first when it is missing or older than its sources.
# Needs ROOT and BUILD; an AVLOC already set in the environment wins.
if [ -z "${AVLOC:-}" ]; then
    AVLOC="$ROOT/$BUILD/avloc"
    stale=0
    if [ ! -x "$AVLOC" ]; then stale=1
    else
        for f in "$ROOT"/examples/*.c "$ROOT"/examples/*.h "$ROOT"/avloc*.h; do
            [ -e "$f" ] && [ "$f" -nt "$AVLOC" ] && stale=1
        done
    fi
    if [ "$stale" = 1 ]; then
        echo "== building $AVLOC"
        if command -v make >/dev/null 2>&1; then
            (cd "$ROOT" && make -s BUILD="$BUILD" "$BUILD/avloc")
        else
            mkdir -p "$ROOT/$BUILD"
            ${CC:-cc} -std=c99 -O2 -o "$AVLOC" "$ROOT/examples/avloc.c" -lm
        fi
    fi
fi
