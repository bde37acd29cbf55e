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

/** What a RocketMQ server's JVM uses besides its heap and direct memory: metaspace, thread stacks, code cache. */
export const JVM_OVERHEAD_MB = 256;

/**
 * The process's memory (a container's limit, a pod's request and limit): the declared `memoryMb`, else heap + direct
 * memory + 256 MiB.
 */
export function containerMemoryMb(jvm: JvmModel): number {
  return jvm.memoryMb ?? jvm.heapMb + jvm.directMemoryMb + JVM_OVERHEAD_MB;
}

/**
 * The JVM sized from a declared memory: what is left after the 256 MiB overhead and the sizes that were set goes to
 * the sizes that were not, in the proportions of `shares` (the role's defaults: a broker half and half, a name server
 * two thirds heap), the heap rounded down. Sizes that were set are kept. The sizes computed are named in
 * `sizedFromMemory`; they may be too small or negative when the memory is: the rules say so.
 */
export function jvmFromMemory(
  memoryMb: number,
  shares: Pick<JvmModel, "heapMb" | "directMemoryMb">,
  set: Partial<Pick<JvmModel, "heapMb" | "directMemoryMb">>,
): JvmModel {
  const free = memoryMb - JVM_OVERHEAD_MB - (set.heapMb ?? 0) - (set.directMemoryMb ?? 0);
  if (set.heapMb !== undefined && set.directMemoryMb !== undefined)
    return { heapMb: set.heapMb, directMemoryMb: set.directMemoryMb, memoryMb };
  if (set.heapMb !== undefined)
    return { heapMb: set.heapMb, directMemoryMb: free, memoryMb, sizedFromMemory: ["directMemoryMb"] };
  if (set.directMemoryMb !== undefined)
    return { heapMb: free, directMemoryMb: set.directMemoryMb, memoryMb, sizedFromMemory: ["heapMb"] };
  const heapMb = Math.floor((free * shares.heapMb) / (shares.heapMb + shares.directMemoryMb));
  return { heapMb, directMemoryMb: free - heapMb, memoryMb, sizedFromMemory: ["heapMb", "directMemoryMb"] };
}
