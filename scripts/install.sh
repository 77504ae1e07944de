#!/usr/bin/env bash
# Installs bgrun for the current user: builds the jar, copies it to ~/.local/share/bgrun (or $BGRUN_PREFIX),
# makes its AOT cache, and puts a `bgrun` command in ~/.local/bin (or $BGRUN_BIN_DIR).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$repo/scripts/lib/java.sh"
bgrun_find_java || exit 2

prefix="${BGRUN_PREFIX:-${XDG_DATA_HOME:-$HOME/.local/share}/bgrun}"
bin_dir="${BGRUN_BIN_DIR:-$HOME/.local/bin}"

echo "building bgrun with $BGRUN_JAVA_HOME ..."
(cd "$repo" && JAVA_HOME="$BGRUN_JAVA_HOME" ./mvnw -q -B -ntp -DskipTests package)

mkdir -p "$prefix" "$bin_dir"
cp "$repo/cli/target/bgrun.jar" "$prefix/bgrun.jar.new"
mv -f "$prefix/bgrun.jar.new" "$prefix/bgrun.jar"
# The thin client's socket library, next to the jar where the client looks for it (without it, the client
# uses the JDK's slower Unix-domain channel).
cp "$repo/cli/target/libbgrunclient.so" "$prefix/libbgrunclient.so.new"
mv -f "$prefix/libbgrunclient.so.new" "$prefix/libbgrunclient.so"
# The thin client's own small jar (it runs from it; bgrun.jar, on its Class-Path, has everything else).
cp "$repo/cli/target/bgrun-client.jar" "$prefix/bgrun-client.jar.new"
mv -f "$prefix/bgrun-client.jar.new" "$prefix/bgrun-client.jar"
cp "$repo/scripts/lib/run-jar.sh" "$prefix/run-jar.sh"
chmod +x "$prefix/run-jar.sh"

# The installed command pins the JDK found now, and skips the source check of the dev launcher.
# POSIX sh, as run-jar.sh: a call pays for one small shell, not bash twice.
cat > "$bin_dir/bgrun" <<LAUNCHER
#!/bin/sh
exec "$prefix/run-jar.sh" "$BGRUN_JAVA_HOME" "$prefix/bgrun.jar" "\$@"
LAUNCHER
chmod +x "$bin_dir/bgrun"

# Both AOT caches now (the thin client's and the local commands'), rather than on the first call of each kind.
"$prefix/run-jar.sh" "$BGRUN_JAVA_HOME" "$prefix/bgrun.jar" --make-aot-caches \
  || echo "note: an AOT cache could not be made; bgrun works, its calls only start slower"
echo "installed: $bin_dir/bgrun ($("$bin_dir/bgrun" --version))"
case ":$PATH:" in
  *":$bin_dir:"*) ;;
  *) echo "note: $bin_dir is not on your PATH; add it, e.g. in ~/.bashrc: export PATH=\"$bin_dir:\$PATH\"" ;;
esac
