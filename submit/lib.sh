# Shared by the submit/ scripts: locate the project, build it when sources changed, and start the
# CLI either directly (no Spark needed) or through spark-submit.
set -euo pipefail

MS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
MS_TARGET="$MS_ROOT/jobs/target"
MS_CP_FILE="$MS_TARGET/runtime.classpath"
MS_SPARK_CP_FILE="$MS_TARGET/spark-runtime.classpath"
MS_STAMP="$MS_TARGET/.built"
MS_MAIN=io.manifoldsweep.jobs.cli.Main

ms_build() {
  if [ -n "${MS_NO_BUILD:-}" ]; then
    # the caller (Maven's integration tests) has just built everything
    return 0
  fi
  local newest
  newest=$(find "$MS_ROOT/pom.xml" "$MS_ROOT"/core "$MS_ROOT"/analysis "$MS_ROOT"/jobs \
    \( -name target -prune \) -o \( -type f \( -name '*.java' -o -name 'pom.xml' -o -path '*/resources/*' \) -newer "$MS_STAMP" -print \) 2>/dev/null | head -1 || true)
  if [ ! -f "$MS_STAMP" ] || [ ! -f "$MS_CP_FILE" ] || [ ! -f "$MS_SPARK_CP_FILE" ] || [ -n "$newest" ]; then
    echo "building manifold-sweep (mvn install -DskipTests) ..." >&2
    # install writes jobs/target/runtime.classpath and spark-runtime.classpath (Spark from Maven,
    # the runtime spark-submit uses when no SPARK_HOME is given) beside the application jar
    (cd "$MS_ROOT" && mvn -q -B -ntp -Dstyle.color=never -DskipTests -DskipITs install) >&2
    touch "$MS_STAMP"
  fi
}

# OpenBLAS picks its kernels from the CPU model once, when it loads, and falls back to generic SSE3
# code for a model it does not know (OpenBLAS 0.3.19 did so on Xeons of family 6 model 207). Every
# JVM these scripts start on this machine gets the core its flags call for, unless the environment
# names one already; the rule is the one in CpuInfo.java and in the build's surefire settings.
ms_openblas_coretype() {
  local flags
  flags=" $(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
  case "$flags" in
    *" avx512f "*) case "$flags" in *" avx512bw "*) case "$flags" in *" avx512dq "*) case "$flags" in *" avx512vl "*)
      echo SKYLAKEX; return ;; esac ;; esac ;; esac ;;
  esac
  case "$flags" in *" avx2 "*) case "$flags" in *" fma "*) echo HASWELL; return ;; esac ;; esac
  case "$flags" in *" avx "*) echo SANDYBRIDGE; return ;; esac
  echo PRESCOTT
}
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-$(ms_openblas_coretype)}"

ms_jvm_options() {
  cat "$MS_TARGET/classes/io/manifoldsweep/jobs/spark-jvm.options"
}

# The log4j2 configuration of the JVMs these scripts start: WARN, or INFO when the command line holds
# --verbose. It must be named on the JVM's command line: under spark-submit, logging is configured
# from Spark's defaults before the application jar is on the classpath.
ms_log_config() {
  local a file="log4j2.properties"
  for a in "$@"; do
    [ "$a" = "--verbose" ] && file="log4j2-verbose.properties"
  done
  echo "-Dlog4j2.configurationFile=file:$MS_TARGET/classes/$file"
}

# A SPARK_HOME assembled from the Maven jars: jars/ of links, a RELEASE file. Standalone workers need
# one to build their executors' command lines; SPARK_SCALA_VERSION=2.13 goes with it.
ms_spark_home() {
  local home="$MS_TARGET/spark-home"
  if [ ! -f "$home/RELEASE" ] || [ "$MS_SPARK_CP_FILE" -nt "$home/RELEASE" ]; then
    rm -rf "$home"
    mkdir -p "$home/jars"
    tr ':' '\n' <"$MS_SPARK_CP_FILE" | while read -r jar; do ln -sf "$jar" "$home/jars/"; done
    echo "Spark runtime assembled from Maven by manifold-sweep" >"$home/RELEASE"
  fi
  echo "$home"
}

ms_app_jar() {
  ls "$MS_TARGET"/manifold-sweep-jobs-*-app.jar | head -1
}

# OpenMP workers that spin between gemms take the cores from the Java kernels when a JVM runs more
# than one native thread (see NativeThreads.java); a policy the environment names is kept.
MS_OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"

# ms_java THREADS ARGS...: runs the CLI in this JVM (embedded local Spark) with THREADS native threads.
ms_java() {
  local threads="$1"
  shift
  ms_build
  OMP_NUM_THREADS="$threads" OPENBLAS_NUM_THREADS="$threads" OMP_WAIT_POLICY="$MS_OMP_WAIT_POLICY" exec java ${MS_JAVA_OPTS:--Xmx8g} $(ms_jvm_options) "$(ms_log_config "$@")" \
    -cp "$MS_TARGET/classes:$(cat "$MS_CP_FILE")" "$MS_MAIN" "$@"
}

# ms_submit ARGS...: runs the CLI through spark-submit: $SPARK_HOME's if set, else the Spark runtime
# from Maven. --master (default local[*]), --deploy-mode and every --conf go to spark-submit; the
# rest goes to the CLI. Executors get as many native threads as spark.task.cpus; in cluster deploy
# mode the command waits for the driver to finish. MS_SPARK_PROPERTIES names an extra properties
# file (the local cluster's, which carries its authentication secret; conf/spark/yarn.properties).
# HADOOP_CONF_DIR and YARN_CONF_DIR name a cluster's configuration, as for spark-submit.
ms_submit() {
  ms_build
  local master="local[*]" deploy="client" cpus=1 prev="" a
  local app=() confs=()
  for a in "$@"; do
    case "$prev" in
      --master) master="$a" ;;
      --deploy-mode) deploy="$a"; prev=""; continue ;;
      --conf)
        case "$a" in spark.task.cpus=*) cpus="${a#spark.task.cpus=}" ;; esac
        confs+=(--conf "$a"); prev=""; continue ;;
    esac
    case "$a" in
      --master=*) master="${a#--master=}" ;;
      --deploy-mode|--conf) prev="$a"; continue ;;
      --deploy-mode=*) deploy="${a#--deploy-mode=}"; prev=""; continue ;;
      --conf=*) confs+=(--conf "${a#--conf=}"); prev=""; continue ;;
    esac
    app+=("$a")
    prev="$a"
  done
  if [ "$deploy" = "cluster" ]; then
    confs=(--conf spark.standalone.submit.waitAppCompletion=true "${confs[@]}")
  fi
  # every JVM that trains needs the Vector API module and Spark's --add-opens (spark-jvm.options)
  local opts log on_this_machine=""
  opts="$(ms_jvm_options)"
  log="$(ms_log_config "$@")"
  case "$master" in local*|spark://127.0.0.1:*|spark://localhost:*) on_this_machine=1 ;; esac
  # executors on this machine share its CPU and its files; on other machines a core chosen here could
  # name instructions theirs lack (they detect their own and warn when that comes out generic)
  [ -n "$on_this_machine" ] && opts="$opts $log"
  local submit=(--class "$MS_MAIN" --master "$master" --deploy-mode "$deploy"
    --conf "spark.executorEnv.OMP_NUM_THREADS=$cpus" --conf "spark.executorEnv.OPENBLAS_NUM_THREADS=$cpus"
    --conf "spark.executorEnv.OMP_WAIT_POLICY=$MS_OMP_WAIT_POLICY"
    --conf "spark.executor.extraJavaOptions=$opts" --conf "spark.driver.extraJavaOptions=$opts")
  [ -n "$on_this_machine" ] && submit+=(--conf "spark.executorEnv.OPENBLAS_CORETYPE=$OPENBLAS_CORETYPE")
  # on YARN the application master is a container too: in cluster deploy mode it runs the driver
  case "$master" in yarn*) submit+=(--conf "spark.yarn.appMasterEnv.OMP_NUM_THREADS=$cpus"
    --conf "spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=$cpus"
    --conf "spark.yarn.appMasterEnv.OMP_WAIT_POLICY=$MS_OMP_WAIT_POLICY") ;; esac
  ms_check_local_cluster_secret "$master"
  if [ -n "${MS_SPARK_PROPERTIES:-}" ]; then
    submit+=(--properties-file "$MS_SPARK_PROPERTIES")
  fi
  submit+=("${confs[@]}")
  export OMP_NUM_THREADS="$cpus" OPENBLAS_NUM_THREADS="$cpus" OMP_WAIT_POLICY="$MS_OMP_WAIT_POLICY"
  # Spark binds the driver's UI to SPARK_LOCAL_IP, else to every interface: keep one-machine runs local
  [ -n "$on_this_machine" ] && export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  if [ -n "${SPARK_HOME:-}" ]; then
    exec "$SPARK_HOME/bin/spark-submit" "${submit[@]}" "$(ms_app_jar)" "${app[@]}"
  fi
  # spark-submit puts the Hadoop and YARN configuration folders on its classpath; so do we
  local cp
  cp="$(cat "$MS_SPARK_CP_FILE")"
  [ -n "${YARN_CONF_DIR:-}" ] && cp="$YARN_CONF_DIR:$cp"
  [ -n "${HADOOP_CONF_DIR:-}" ] && cp="$HADOOP_CONF_DIR:$cp"
  SPARK_HOME="$(ms_spark_home)" SPARK_SCALA_VERSION=2.13 exec java ${MS_JAVA_OPTS:--Xmx8g} $(ms_jvm_options) "$log" \
    -cp "$cp" org.apache.spark.deploy.SparkSubmit "${submit[@]}" "$(ms_app_jar)" "${app[@]}"
}

# The local cluster turns authentication on; a submission to it without its secret would wait a
# minute for a master that drops the connection and then fail with Spark's "All masters are
# unresponsive". Say what is missing instead, at once.
ms_check_local_cluster_secret() {
  local master="$1" state="${MS_CLUSTER_DIR:-/tmp/manifold-sweep-cluster-${USER:-$(id -un)}}"
  case "$master" in spark://127.0.0.1:*|spark://localhost:*) ;; *) return 0 ;; esac
  if [ -f "$state/spark.properties" ] && ! grep -qs '^spark.authenticate.secret ' "${MS_SPARK_PROPERTIES:-/dev/null}"; then
    echo "error: the local cluster at $master requires its authentication secret, and this submission does not carry it." >&2
    echo "       Pass its properties file: MS_SPARK_PROPERTIES=\$(submit/local-cluster properties) submit/... --master $master" >&2
    exit 2
  fi
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
