# Shared by the submit/ scripts: locate the project, build it when sources changed, and run the
# CLI on a classpath that holds the project, ND4J and (for local mode) Spark from Maven.
set -euo pipefail

MS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MS_CP_FILE="$MS_ROOT/jobs/target/runtime.classpath"
MS_STAMP="$MS_ROOT/jobs/target/.built"

ms_build() {
  local newest
  newest=$(find "$MS_ROOT/pom.xml" "$MS_ROOT"/core "$MS_ROOT"/analysis "$MS_ROOT"/jobs \
    \( -name target -prune \) -o \( -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -newer "$MS_STAMP" -print \) 2>/dev/null | head -1 || true)
  if [ ! -f "$MS_STAMP" ] || [ ! -f "$MS_CP_FILE" ] || [ -n "$newest" ]; then
    echo "building manifold-sweep (mvn install -DskipTests) ..." >&2
    (cd "$MS_ROOT" && mvn -q -B -ntp -Dstyle.color=never -DskipTests install) >&2
    (cd "$MS_ROOT" && mvn -q -B -ntp -Dstyle.color=never -pl jobs dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$MS_CP_FILE") >&2
    touch "$MS_STAMP"
  fi
}

# ms_java THREADS MAIN-ARGS...: runs the CLI in this JVM with THREADS native threads.
ms_java() {
  local threads="$1"
  shift
  ms_build
  OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" exec java ${MS_JAVA_OPTS:--Xmx8g} \
    $(cat "$MS_ROOT/jobs/target/classes/io/manifoldsweep/jobs/spark-jvm.options") \
    -cp "$MS_ROOT/jobs/target/classes:$(cat "$MS_CP_FILE")" io.manifoldsweep.jobs.cli.Main "$@"
}

# The value of --threads N in the arguments, or 1.
ms_threads_arg() {
  local prev=""
  for a in "$@"; do
    if [ "$prev" = "--threads" ]; then echo "$a"; return; fi
    case "$a" in --threads=*) echo "${a#--threads=}"; return ;; esac
    prev="$a"
  done
  echo 1
}
