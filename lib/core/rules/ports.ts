import { error, Finding } from "../findings";
import { TopologyModel } from "../model";
import { brokerPorts, clusterPorts, PortUse } from "../ports";

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
    const byPort = new Map<number, PortUse[]>();
    for (const use of uses) byPort.set(use.port, [...(byPort.get(use.port) ?? []), use]);
    for (const [port, owners] of byPort) {
      if (owners.length < 2) continue;
      const sorted = [...owners].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      const first = sorted[0];
      for (const other of sorted.slice(1)) {
        const sameProcess = other.path === first.path;
        findings.push(
          error(
            other.path,
            "ports/collision",
            `${other.owner} ${other.purpose} ${port} collides with ${sameProcess ? "its own" : first.owner} ${first.purpose} ${port} on host ${address}: the second process to start fails with "java.net.BindException: Address already in use".`,
            suggestFix(other, uses),
          ),
        );
      }
    }
  }
  return findings;
}

/** Names a concrete free port for the owner, so the fix can be copied. */
function suggestFix(use: PortUse, hostUses: PortUse[]): string {
  const taken = new Set(hostUses.filter((u) => u.path !== use.path).map((u) => u.port));
  const free = (ports: number[]) => ports.every((p) => p >= 1 && p <= 65535 && !taken.has(p));
  if (use.purpose.startsWith("DLedger port")) {
    const own = new Set(hostUses.filter((u) => u.path === use.path && u !== use).map((u) => u.port));
    for (let p = use.port + 1; p <= 65535; p++) if (free([p]) && !own.has(p)) return `Set a DLedger port that nothing else on ${use.host.address} uses, e.g. dLegerPort: ${p}.`;
    return `Set a DLedger port that nothing else on ${use.host.address} uses.`;
  }
  if (use.purpose === "listenPort" && !hostUses.some((u) => u.path === use.path && u.purpose.includes("listenPort-2"))) {
    for (let p = use.port + 1; p <= 65535; p++) if (free([p])) return `Give ${use.owner} another listenPort, e.g. listenPort: ${p}.`;
    return `Give ${use.owner} another listenPort.`;
  }
  // A broker: its three ports move together with listenPort.
  const own = hostUses.filter((u) => u.path === use.path);
  const listen = own.find((u) => u.purpose === "listenPort")!.port;
  const extra = own.filter((u) => u.purpose.startsWith("DLedger port")).map((u) => u.port);
  const fits = (p: number) => free([p - 2, p, p + 1].concat(extra)) && !extra.some((e) => [p - 2, p, p + 1].includes(e));
  for (let k = 1; k <= 50; k++) if (fits(listen + 1000 * k)) return brokerFix(use, listen + 1000 * k);
  for (let p = listen + 1; p <= 65534; p++) if (fits(p)) return brokerFix(use, p);
  return `Move ${use.owner} to another host or another listenPort.`;
}

function brokerFix(use: PortUse, port: number): string {
  return `Give ${use.owner} a listenPort whose ports (listenPort-2, listenPort, listenPort+1) are free on ${use.host.address}, e.g. listenPort: ${port}; brokers sharing a host need listen ports at least 4 apart.`;
}

export { brokerPorts };
