import { JvmModel } from "../model";

/**
 * Environment for the official image's start scripts. Its runbroker.sh/runserver.sh size the
 * heap from MAX_POSSIBLE_HEAP (bytes; otherwise a quarter of the container's memory, and the
 * stock scripts ask for 8 GiB) and append JAVA_OPT_EXT last, so the heap written here wins.
 */
export function jvmEnv(jvm: JvmModel): Record<string, string> {
  return {
    JAVA_OPT_EXT: `-Xms${jvm.heapMb}m -Xmx${jvm.heapMb}m -XX:MaxDirectMemorySize=${jvm.directMemoryMb}m`,
    MAX_POSSIBLE_HEAP: String(jvm.heapMb * 1024 * 1024),
  };
}

/** Container memory limit: heap + direct memory + 256 MiB for metaspace, thread stacks and code cache. */
export function containerMemoryMb(jvm: JvmModel): number {
  return jvm.heapMb + jvm.directMemoryMb + 256;
}
