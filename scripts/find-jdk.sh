# Sourced by ./engram, bench/run and .ci/run. Sets JAVA_HOME to a JDK >= 25 or exits with a
# clear message. Order: $JAVA_HOME if it is new enough, then the standard JVM directories.
# The machine's default `java` may be 17; it is never used unless it is >= 25.

engram_java_major() {  # prints the feature version of the JDK at $1, or nothing
  local v
  [ -x "$1/bin/java" ] && [ -x "$1/bin/javac" ] || return 0
  v=$("$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')
  printf '%s' "${v%%.*}"
}

engram_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/* /usr/local/lib/jvm/* /opt/java/* /opt/jdk* \
                   /Library/Java/JavaVirtualMachines/*/Contents/Home; do
    [ -n "$candidate" ] && [ -d "$candidate" ] || continue
    major=$(engram_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 25 ] 2>/dev/null; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "engram: no JDK 25 or newer found (looked at \$JAVA_HOME and /usr/lib/jvm/*)." >&2
  echo "engram: install a JDK 25 (e.g. Temurin 25) and/or set JAVA_HOME to it." >&2
  exit 1
}

engram_find_jdk
