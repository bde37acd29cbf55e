import { error, Finding } from "../findings";
import { TopologyModel } from "../model";
import { allProcesses } from "./processes";

/** Heap and direct memory must be whole MiB, at least 128 MiB heap and 64 MiB direct memory. */
export function checkJvm(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  for (const { process, owner, kind } of allProcesses(topology)) {
    const { heapMb, directMemoryMb } = process.jvm;
    if (!Number.isInteger(heapMb) || heapMb < 128) {
      findings.push(error(process.path, "jvm/size", `${owner} heapMb is ${heapMb}: RocketMQ servers need at least 128 MiB of heap.`, `Set heapMb to a whole number of MiB, 128 or more (512 or more for a broker in production).`));
    }
    // The console (a Spring Boot application) maps no commit log: only its heap is sized.
    if (kind !== "dashboard" && (!Number.isInteger(directMemoryMb) || directMemoryMb < 64)) {
      findings.push(error(process.path, "jvm/size", `${owner} directMemoryMb is ${directMemoryMb}: too small for the commit log's direct buffers.`, `Set directMemoryMb to a whole number of MiB, 64 or more.`));
    }
  }
  return findings;
}
