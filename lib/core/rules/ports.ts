import { cmp, error, Finding } from "../findings";
import { TopologyModel } from "../model";
import { clusterPorts, PortUse } from "../ports";

/**
 * Two processes on one host must not open the same port ("java.net.BindException: Address already
 * in use"), and every derived port must be a valid TCP port (a broker at listenPort 1 would open
 * its fast channel at -1).
 */
export function checkPorts(topology: TopologyModel): Finding[] {
  const findings: Finding[] = [];
  const all = topology.clusters.flatMap(clusterPorts);

  for (const use of all) {
    if (!Number.isInteger(use.port) || use.port < 1 || use.port > 65535) {
      findings.push(
        error(
          use.path,
          "ports/range",
          `${use.owner} ${use.purpose} is ${use.port}, outside 1-65535.`,
          use.purpose.includes("listenPort-2")
            ? `Choose a listenPort of at least 3 (a broker also opens listenPort-2 and listenPort+1).`
            : `Choose a port between 1 and 65535.`,
        ),
      );
    }
  }

  const byHost = new Map<string, PortUse[]>();
  for (const use of all) {
    const list = byHost.get(use.host.address) ?? [];
    list.push(use);
    byHost.set(use.host.address, list);
  }
  for (const [address, uses] of byHost) {
    // One finding per pair of processes, listing every port they share.
    const clashes = new Map<string, { first: PortUse; other: PortUse; pairs: string[] }>();
    const byPort = new Map<number, PortUse[]>();
    for (const use of uses) byPort.set(use.port, [...(byPort.get(use.port) ?? []), use]);
    for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
      const owners = [...byPort.get(port)!].sort((a, b) => cmp(a.path, b.path) || cmp(a.purpose, b.purpose));
      for (let i = 1; i < owners.length; i++) {
        for (let j = 0; j < i; j++) {
          const [first, other] = [owners[j], owners[i]];
          const key = `${other.path}\u0000${first.path}`;
          const clash = clashes.get(key) ?? { first, other, pairs: [] };
          const same = other.path === first.path;
          clash.pairs.push(`${other.owner} ${other.purpose} ${port} collides with ${same ? "its own" : first.owner} ${first.purpose} ${port}`);
          clashes.set(key, clash);
        }
      }
    }
    for (const { other, pairs } of clashes.values()) {
      findings.push(
        error(
          other.path,
          "ports/collision",
          `${pairs.join("; ")} on host ${address}: the second process to start fails with "java.net.BindException: Address already in use".`,
          suggestFix(other, uses),
        ),
      );
    }
  }
  return findings;
}

/** Names a concrete free port for the owner, so the fix can be copied. */
function suggestFix(use: PortUse, hostUses: PortUse[]): string {
  const taken = new Set(hostUses.filter((u) => u.path !== use.path).map((u) => u.port));
  const own = hostUses.filter((u) => u.path === use.path);
  const free = (ports: number[]) => ports.every((p) => p >= 1 && p <= 65535 && !taken.has(p));
  const isBroker = own.some((u) => u.purpose.includes("listenPort-2"));
  const movesWithListenPort = isBroker && (use.purpose === "listenPort" || use.purpose.includes("(listenPort"));
  if (!movesWithListenPort) {
    // A port set on its own: name the prop that sets it.
    const prop = use.purpose.startsWith("DLedger port") ? "dLegerPort" : use.purpose.startsWith("controller port") ? "port" : use.purpose;
    const ownOther = new Set(own.filter((u) => u !== use).map((u) => u.port));
    for (let p = use.port + 1; p <= 65535; p++) if (free([p]) && !ownOther.has(p)) return `Give ${use.owner} a ${use.purpose} that nothing else on ${use.host.address} uses, e.g. ${prop}: ${p}.`;
    return `Give ${use.owner} another ${use.purpose}.`;
  }
  // A broker: its fast channel and HA port move together with listenPort.
  const listen = own.find((u) => u.purpose === "listenPort")!.port;
  const fixed = own.filter((u) => !u.purpose.includes("listenPort") || u.purpose === "haListenPort").map((u) => u.port);
  const dledger = own.some((u) => u.purpose.startsWith("DLedger port"));
  const explicitHa = own.some((u) => u.purpose === "haListenPort");
  const opened = (p: number) => (dledger || explicitHa ? [p - 2, p] : [p - 2, p, p + 1]);
  const fits = (p: number) => free(opened(p).concat(fixed)) && !fixed.some((e) => opened(p).includes(e));
  for (let k = 1; k <= 50; k++) if (fits(listen + 1000 * k)) return brokerFix(use, listen + 1000 * k, dledger || explicitHa);
  for (let p = listen + 1; p <= 65534; p++) if (fits(p)) return brokerFix(use, p, dledger || explicitHa);
  return `Move ${use.owner} to another host or another listenPort.`;
}

function brokerFix(use: PortUse, port: number, noHa: boolean): string {
  const opens = noHa ? "listenPort-2 and listenPort" : "listenPort-2, listenPort and listenPort+1";
  return `Give ${use.owner} a listenPort whose ports (${opens}) are free on ${use.host.address}, e.g. listenPort: ${port}; brokers sharing a host need listen ports at least 4 apart.`;
}

