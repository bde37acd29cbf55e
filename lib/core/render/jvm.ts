import { JvmModel } from "../model";

/**
 * Environment for the official image's start scripts (apache/rocketmq-docker image-build/scripts,
 * runbroker-customize.sh and runserver-customize.sh). Since 2024 they take the heap from HEAP_OPTS
 * (default broker `-Xms2g -Xmx2g -Xmn1g -XX:MaxDirectMemorySize=1g`, name server `-Xms1g -Xmx1g
 * -Xmn512M`); builds from 2019 to 2024 computed it from the machine's memory (`free -m`, not the
 * container's limit). Every build appends JAVA_OPT_EXT last, so the same flags there win with any build.
 */
export function jvmEnv(jvm: JvmModel): Record<string, string> {
  const flags = `-Xms${jvm.heapMb}m -Xmx${jvm.heapMb}m -XX:MaxDirectMemorySize=${jvm.directMemoryMb}m`;
  return { HEAP_OPTS: flags, JAVA_OPT_EXT: flags };
}

/** Container memory limit: heap + direct memory + 256 MiB for metaspace, thread stacks and code cache. */
export function containerMemoryMb(jvm: JvmModel): number {
  return jvm.heapMb + jvm.directMemoryMb + 256;
}
