import { error, Finding, warning } from "../findings";
import { declaredAt, TopologyModel } from "../model";
import { containerMemoryMb } from "../render/jvm";
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

/**
 * Heap and direct memory must be whole MiB, at least 128 MiB heap and 64 MiB direct memory, and at most what a JVM can
 * reserve; a container memory limit (heap + direct memory + 256 MiB) of more than 1 TiB is a warning that names the
 * figure. A value inherited from the cluster (brokerJvm, nameServerJvm) is reported once, on the cluster.
 */
export function checkJvm(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const { process, owner, kind } of checkedProcesses(topology)) {
    const { heapMb, directMemoryMb } = process.jvm;
    const heap = declaredAt(process, "jvm.heapMb");
    const direct = declaredAt(process, "jvm.directMemoryMb");
    const who = (d: { path: string }) => (d.path === process.path ? `${owner} ` : "");
    const sizes = [
      {
        at: heap,
        mb: heapMb,
        min: MIN_HEAP_MB,
        tooSmall: "RocketMQ servers need at least 128 MiB of heap",
        advice: " (512 or more for a broker in production)",
      },
      // The console (a Spring Boot application) maps no commit log: only its heap is sized.
      ...(kind === "dashboard"
        ? []
        : [
            {
              at: direct,
              mb: directMemoryMb,
              min: MIN_DIRECT_MB,
              tooSmall: "too small for the commit log's direct buffers",
              advice: "",
            },
          ]),
    ];
    let refused = false;
    for (const { at, mb, min, tooSmall, advice } of sizes) {
      const problem = sizeProblem(mb, min, tooSmall);
      if (!problem) continue;
      refused = true;
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

function suggest(mb: number, min: number, fallback: number): number {
  return Number.isFinite(mb) && mb >= min && mb <= MAX_JVM_MB
    ? Math.round(mb)
    : mb > MAX_JVM_MB
      ? 8192
      : Math.max(min, fallback);
}
