#!/bin/sh
# Lab image: what runserver.sh and runbroker.sh share. Java 17 instead of the official image's Java 8: no Java 8
# GC-logging flags, no -Djava.ext.dirs (rejected since Java 9), the jars on the classpath, the module opens
# RocketMQ needs on Java 9+. HEAP_OPTS (or the role's default) first, JAVA_OPT_EXT last, so the library's flags win.
# Usage: runjava.sh <default heap options> <logback role> <main class> [args...]
[ -n "$JAVA_HOME" ] || JAVA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
BASE_DIR=$(cd "$(dirname "$0")/.." && pwd)
default_heap="$1"; role="$2"; shift 2
JAVA_OPT="${JAVA_OPT} -server ${HEAP_OPTS:-$default_heap}"
JAVA_OPT="${JAVA_OPT} -XX:+UseG1GC -XX:G1HeapRegionSize=16m -XX:G1ReservePercent=25 -XX:InitiatingHeapOccupancyPercent=30 -XX:SoftRefLRUPolicyMSPerMB=0 -XX:SurvivorRatio=8"
JAVA_OPT="${JAVA_OPT} -XX:-OmitStackTraceInFastThrow -XX:-UseLargePages"
JAVA_OPT="${JAVA_OPT} --add-opens java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-exports java.base/sun.nio.ch=ALL-UNNAMED"
JAVA_OPT="${JAVA_OPT} -Drmq.logback.configurationFile=${BASE_DIR}/conf/logback_${role}.xml -Drmq.logback.role=${role}"
JAVA_OPT="${JAVA_OPT} ${JAVA_OPT_EXT}"
set -f # lib/* is for java, not for the shell
"$JAVA_HOME/bin/java" ${JAVA_OPT} -cp ".:${BASE_DIR}/conf:${BASE_DIR}/lib/*" "$@"
