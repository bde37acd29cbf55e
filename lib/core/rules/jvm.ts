import { error, Finding, warning } from "../findings";
import { declaredAt, TopologyModel } from "../model";
import { containerMemoryMb, JVM_OVERHEAD_MB, jvmFromMemory } from "../render/jvm";
import { checkedProcesses } from "./processes";

/** The least heap and direct memory a RocketMQ server starts with. */
export const MIN_HEAP_MB = 128;
export const MIN_DIRECT_MB = 64;
/**
 * The most a JVM can reserve: the user address space of x86-64 Linux is 128 TiB (47-bit, 4-level paging), and HotSpot
 * reserves the whole heap (and the image's scripts add -XX:+AlwaysPreTouch, which touches it at start).
 */
export const MAX_JVM_MB = 128 * 1024 * 1024;
/** A container memory limit above this (1 TiB) is more than almost any machine has: a warning with the figure. */
export const LARGE_MEMORY_MB = 1024 * 1024;

/** The least memory a server's JVM can be given: the least heap and direct memory, and the 256 MiB beside them. */
export const MIN_MEMORY_MB = MIN_HEAP_MB + MIN_DIRECT_MB + JVM_OVERHEAD_MB;

/**
 * Heap and direct memory must be whole MiB, at least 128 MiB heap and 64 MiB direct memory, and at most what a JVM can
 * reserve; a container memory limit (heap + direct memory + 256 MiB) of more than 1 TiB is a warning that names the
 * figure. A value inherited from the cluster (brokerJvm, nameServerJvm) is reported once, on the cluster. A declared
 * `memoryMb` must be a whole number of MiB, leave the sizes computed from it at least those least sizes (reported on
 * `memoryMb`, with the least memory that does), and hold the sizes that are set and the 256 MiB beside them.
 */
export function checkJvm(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const { process, owner, kind } of checkedProcesses(topology)) {
    const { heapMb, directMemoryMb, memoryMb, sizedFromMemory = [] } = process.jvm;
    const heap = declaredAt(process, "jvm.heapMb");
    const direct = declaredAt(process, "jvm.directMemoryMb");
    const memory = declaredAt(process, "jvm.memoryMb");
    const who = (d: { path: string }) => (d.path === process.path ? `${owner} ` : "");
    if (memoryMb !== undefined) {
      const problem = sizeProblem(memoryMb, MIN_MEMORY_MB, "too little for a RocketMQ server's JVM");
      if (problem) {
        findings.push(
          error(
            memory.path,
            "jvm/size",
            `${who(memory)}${memory.prop} is ${memoryMb}: ${problem}`,
            `Set ${memory.prop} to a whole number of MiB between ${MIN_MEMORY_MB} and ${MAX_JVM_MB}, e.g. ${memory.prop}: ${suggest(memoryMb, MIN_MEMORY_MB, 2304)}.`,
          ),
        );
        continue;
      }
    }
    const sizes = [
      {
        key: "heapMb" as const,
        at: heap,
        mb: heapMb,
        min: MIN_HEAP_MB,
        what: "heap",
        tooSmall: "RocketMQ servers need at least 128 MiB of heap",
        advice: " (512 or more for a broker in production)",
      },
      // The console (a Spring Boot application) maps no commit log: only its heap is sized.
      ...(kind === "dashboard"
        ? []
        : [
            {
              key: "directMemoryMb" as const,
              at: direct,
              mb: directMemoryMb,
              min: MIN_DIRECT_MB,
              what: "direct memory",
              tooSmall: "too small for the commit log's direct buffers",
              advice: "",
            },
          ]),
    ];
    let refused = false;
    for (const { key, at, mb, min, what, tooSmall, advice } of sizes) {
      const problem = sizeProblem(mb, min, tooSmall);
      if (!problem) continue;
      refused = true;
      if (memoryMb !== undefined && sizedFromMemory.includes(key)) {
        // Computed from memoryMb: the fix is more memory (or the size set), said on memoryMb once per size.
        const least = leastMemory(process.jvm);
        findings.push(
          error(
            memory.path,
            "jvm/memory",
            `${who(memory)}${memory.prop} is ${memoryMb}: it leaves ${mb} MiB of ${what} (${tooSmall}) after ${JVM_OVERHEAD_MB} MiB for metaspace, thread stacks and code cache${sizedFromMemory.length < 2 ? ` and the ${sizedFromMemory.includes("heapMb") ? `direct memory of ${directMemoryMb}` : `heap of ${heapMb}`} MiB set` : ""}.`,
            `Set ${memory.prop} to ${least} or more, e.g. ${memory.prop}: ${least}.`,
          ),
        );
        continue;
      }
      findings.push(
        error(
          at.path,
          "jvm/size",
          `${who(at)}${at.prop} is ${mb}: ${problem}`,
          `Set ${at.prop} to a whole number of MiB between ${min} and ${MAX_JVM_MB}${advice}, e.g. ${at.prop}: ${suggest(mb, min, 1024)}.`,
        ),
      );
    }
    if (refused) continue;
    const needed = heapMb + directMemoryMb + JVM_OVERHEAD_MB;
    if (memoryMb !== undefined && needed > memoryMb) {
      // Both sizes set (a computed one always fits): the JVM would be given more than the container may use.
      findings.push(
        error(
          memory.path,
          "jvm/memory",
          `${who(memory)}${memory.prop} is ${memoryMb}, less than the heap of ${heapMb} MiB (${heap.prop}), the direct memory of ${directMemoryMb} MiB (${direct.prop}) and ${JVM_OVERHEAD_MB} MiB for metaspace, thread stacks and code cache: ${needed} MiB. The kernel kills the JVM when it uses what its flags allow.`,
          `Set ${memory.prop} to ${needed} or more, or leave ${heap.prop} and ${direct.prop} unset so that they are sized from it.`,
        ),
      );
      continue;
    }
    const limit = containerMemoryMb(process.jvm);
    if (limit > LARGE_MEMORY_MB) {
      const where = heap.path === direct.path ? heap : { path: process.path, prop: "jvm" };
      findings.push(
        warning(
          where.path,
          "jvm/large",
          `${who(where)}heap ${heapMb} MiB + direct memory ${directMemoryMb} MiB give a container memory limit of ${limit} MiB (${(limit / 1024 / 1024).toFixed(2)} TiB), more than almost any machine has: the JVM commits the whole heap at start (-Xms = -Xmx, AlwaysPreTouch), so on a smaller machine it fails to start or the host swaps.`,
          `Set ${heap.prop} and ${direct.prop} to what the machine can give this process (RocketMQ's own scripts use an 8 GiB heap), e.g. ${heap.prop}: 8192.`,
        ),
      );
    }
  }
  return findings;
}

/** Why a size in MiB is not usable (the rest of a sentence), or undefined. */
function sizeProblem(mb: number, min: number, tooSmall: string): string | undefined {
  if (typeof mb !== "number" || Number.isNaN(mb)) return "not a number of MiB.";
  if (!Number.isInteger(mb))
    return "not a whole number of MiB (-Xmx and MaxDirectMemorySize are written in whole MiB).";
  if (mb < min) return `${tooSmall}.`;
  if (mb > MAX_JVM_MB)
    return `more than a JVM can reserve (the user address space of x86-64 Linux is 128 TiB = ${MAX_JVM_MB} MiB).`;
  return undefined;
}

/** The least memory whose computed sizes are at least the least heap and direct memory, the sizes set kept. */
function leastMemory(jvm: { heapMb: number; directMemoryMb: number; sizedFromMemory?: readonly string[] }): number {
  const computed = new Set(jvm.sizedFromMemory ?? []);
  if (!computed.has("heapMb")) return jvm.heapMb + MIN_DIRECT_MB + JVM_OVERHEAD_MB;
  if (!computed.has("directMemoryMb")) return jvm.directMemoryMb + MIN_HEAP_MB + JVM_OVERHEAD_MB;
  // Both computed, in the role's proportions (read back from what was computed; at the least memory both are > 0).
  const shares = { heapMb: Math.max(jvm.heapMb, 1), directMemoryMb: Math.max(jvm.directMemoryMb, 1) };
  const total = shares.heapMb + shares.directMemoryMb;
  const from =
    Math.max(
      Math.ceil((MIN_HEAP_MB * total) / shares.heapMb),
      Math.ceil((MIN_DIRECT_MB * total) / shares.directMemoryMb),
    ) + JVM_OVERHEAD_MB;
  // The bound holds at `from` (floor() costs the heap less than 1 MiB); a few more MiB only for rounding.
  for (let mb = from; mb < from + 16; mb++) {
    const j = jvmFromMemory(mb, shares, {});
    if (j.heapMb >= MIN_HEAP_MB && j.directMemoryMb >= MIN_DIRECT_MB) return mb;
  }
  return from + 16;
}

function suggest(mb: number, min: number, fallback: number): number {
  return Number.isFinite(mb) && mb >= min && mb <= MAX_JVM_MB
    ? Math.round(mb)
    : mb > MAX_JVM_MB
      ? 8192
      : Math.max(min, fallback);
}
