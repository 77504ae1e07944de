# Finds a Java 25 (or newer) JDK. Sourced by the launcher, the test and install scripts and the benchmarks.
# Looks at BGRUN_JAVA_HOME, then JAVA_HOME, then the usual JDK locations; sets BGRUN_JAVA_HOME on success.
# Uses only shell built-ins on the fast path: the launcher runs this on every call.
# BGRUN_JDK_DIRS (space-separated patterns) replaces the list of usual locations, for tests and odd setups.

BGRUN_JAVA_MIN=25

# Prints the major version of the JDK at $1 (from its release file), or nothing.
bgrun_java_major() {
  local release="$1/release" line version
  [ -x "$1/bin/java" ] && [ -f "$release" ] || return 0
  while IFS= read -r line; do
    case "$line" in
      JAVA_VERSION=*)
        version="${line#JAVA_VERSION=}"; version="${version//\"/}"
        version="${version#1.}"
        echo "${version%%[.+-]*}"
        return 0 ;;
    esac
  done < "$release"
}

bgrun_find_java() {
  local candidate major best="" best_major=0 looked=()
  if [ -n "${BGRUN_JAVA_HOME:-}" ]; then
    major=$(bgrun_java_major "$BGRUN_JAVA_HOME")
    [ -n "$major" ] && [ "$major" -ge "$BGRUN_JAVA_MIN" ] && return 0
    looked+=("BGRUN_JAVA_HOME=$BGRUN_JAVA_HOME (Java ${major:-?})")
  fi
  if [ -n "${JAVA_HOME:-}" ]; then
    major=$(bgrun_java_major "$JAVA_HOME")
    if [ -n "$major" ] && [ "$major" -ge "$BGRUN_JAVA_MIN" ]; then
      BGRUN_JAVA_HOME="$JAVA_HOME"; return 0
    fi
    looked+=("JAVA_HOME=$JAVA_HOME (Java ${major:-?})")
  fi
  local dirs="${BGRUN_JDK_DIRS:-/usr/lib/jvm/* /usr/local/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* \
$HOME/.sdkman/candidates/java/* $HOME/.jdks/* $HOME/.local/share/mise/installs/java/* \
/Library/Java/JavaVirtualMachines/*/Contents/Home}"
  shopt -s nullglob
  # Unquoted on purpose: the patterns expand here.
  for candidate in $dirs; do
    [ -L "$candidate" ] && continue
    major=$(bgrun_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge "$BGRUN_JAVA_MIN" ] && [ "$major" -gt "$best_major" ]; then
      best="$candidate"; best_major="$major"
    fi
  done
  shopt -u nullglob
  if [ -n "$best" ]; then
    BGRUN_JAVA_HOME="$best"; return 0
  fi
  {
    echo "bgrun: no Java $BGRUN_JAVA_MIN (or newer) JDK found."
    echo "  looked at: ${looked[*]:-JAVA_HOME (unset)}"
    echo "             and $dirs"
    echo "  install a JDK $BGRUN_JAVA_MIN (for example Eclipse Temurin 25) and set JAVA_HOME to it."
  } >&2
  return 1
}
