import { error, Finding } from "../findings";
import { TopologyModel } from "../model";
import { allProcesses } from "./processes";

/**
 * Per host, a store (named volume or host directory) belongs to one process: two brokers on one
 * store root fail with "Lock failed,MQ already started" (the file lock on <storePathRootDir>/lock),
 * and commit logs in one directory break each other's mapped files. A host directory inside
 * another process's host directory is shared too. Container names are unique per Docker engine.
 */
export function checkStores(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  const byHost = new Map<string, ReturnType<typeof allProcesses>>();
  for (const p of allProcesses(topology)) byHost.set(p.process.host.address, [...(byHost.get(p.process.host.address) ?? []), p]);

  for (const [address, procs] of byHost) {
    const sorted = [...procs].sort((a, b) => (a.process.path < b.process.path ? -1 : 1));
    for (let i = 0; i < sorted.length; i++) {
      for (let j = 0; j < i; j++) {
        const a = sorted[j];
        const b = sorted[i];
        const shared = "store" in a.process && "store" in b.process ? sharedStore(a.process.store, b.process.store) : undefined;
        if (shared) {
          findings.push(
            error(
              b.process.path,
              "stores/shared",
              `${b.owner} and ${a.owner} both keep their store in ${shared} on host ${address}: the second broker to start fails with "Lock failed,MQ already started" (and commit logs in one folder corrupt each other).`,
              `Give each process on ${address} its own store volume or host directory (leave the store prop unset for a per-container named volume).`,
            ),
          );
        }
        if (a.process.containerName === b.process.containerName) {
          findings.push(
            error(
              b.process.path,
              "stores/container-name",
              `${b.owner} and ${a.owner} both use container name "${b.process.containerName}" on host ${address}: one Docker engine cannot run two containers with one name.`,
              `Set a distinct containerName on one of them.`,
            ),
          );
        }
      }
    }
  }
  return findings;
}

function sharedStore(a: { volume?: string; hostPath?: string }, b: { volume?: string; hostPath?: string }): string | undefined {
  if (a.volume && b.volume && a.volume === b.volume) return `volume "${a.volume}"`;
  if (a.hostPath && b.hostPath) {
    const pa = trimSlash(a.hostPath);
    const pb = trimSlash(b.hostPath);
    if (pa === pb || pb.startsWith(pa + "/") || pa.startsWith(pb + "/")) return `host directory ${pa === pb ? pa : `${pa} / ${pb}`}`;
  }
  return undefined;
}

function trimSlash(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}
