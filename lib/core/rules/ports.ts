import { cmp, error, Finding } from "../findings";
import { machineOf } from "../machines";
import { HostModel, TopologyModel } from "../model";
import { clusterPorts, PortUse } from "../ports";
import { uncheckedPaths } from "./processes";

const MIN_PORT = 1;
/** The first port an unprivileged process may bind (net.ipv4.ip_unprivileged_port_start's default). */
const FIRST_UNPRIVILEGED_PORT = 1024;
const MAX_PORT = 65535;

/**
 * Two processes on one machine must not open the same port ("java.net.BindException: Address already in use"),
 * counting the ports a broker derives from its listenPort and the ports the user's own containers publish on that
 * machine; every port must be a whole number in 1-65535 (a broker at listenPort 1 would open its fast channel at -1).
 * Every search here is bounded: a port of -1e17 or a Terraform token's number gives an error, never a long loop.
 */
export function checkPorts(topology: TopologyModel): Finding[] {
  const unchecked = uncheckedPaths(topology);
  const own = topology.clusters.flatMap(clusterPorts).filter((u) => !unchecked.has(u.path));
  const valid = own.filter((u) => isPort(u.port));
  const byMachine = new Map<string, PortUse[]>();
  for (const use of [...valid, ...foreignPorts(topology)])
    byMachine.set(machineOf(use.host), [...(byMachine.get(machineOf(use.host)) ?? []), use]);
  const findings: Finding[] = [...rangeFindings(own, byMachine), ...privilegedFindings(valid)];
  for (const [machine, uses] of byMachine) {
    // One finding per pair of processes, listing every port they share, on the process the user can change.
    const clashes = new Map<string, { other: PortUse; pairs: string[]; moving: PortUse[] }>();
    const byPort = new Map<number, PortUse[]>();
    for (const use of uses) byPort.set(use.port, [...(byPort.get(use.port) ?? []), use]);
    for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
      const owners = [...byPort.get(port)!].sort(
        (a, b) => Number(isForeign(a)) - Number(isForeign(b)) || cmp(a.path, b.path) || cmp(a.purpose, b.purpose),
      );
      for (let i = 1; i < owners.length; i++) {
        for (let j = 0; j < i; j++) {
          // The later of two of the library's processes is reported; a user's own container never is.
          const [first, other] = isForeign(owners[i]) ? [owners[i], owners[j]] : [owners[j], owners[i]];
          if (isForeign(other)) continue;
          const key = `${other.path}\u0000${first.path}`;
          const clash = clashes.get(key) ?? { other, pairs: [], moving: [] };
          clash.moving.push(other);
          const same = other.path === first.path;
          const across = first.cluster !== undefined && other.cluster !== undefined && first.cluster !== other.cluster;
          // Processes of two construct trees' roots (two stacks of one app) are named by their paths.
          const apart = rootOf(first.path) !== rootOf(other.path);
          const name = (u: PortUse) =>
            apart
              ? `${u.owner}${u.cluster !== undefined ? ` of cluster ${u.cluster}` : ""} (${u.path})`
              : across
                ? `${u.owner} of cluster ${u.cluster}`
                : u.owner;
          clash.pairs.push(
            `${name(other)} ${other.purpose} ${port} collides with ${same ? "its own" : name(first)} ${first.purpose} ${port}`,
          );
          clashes.set(key, clash);
        }
      }
    }
    // Each fix names free ports that no earlier fix on this machine named: following all of them leaves no collision.
    const suggested = new Set<number>();
    for (const { other, pairs, moving } of clashes.values()) {
      // Every prop whose port collides is moved (a DLedger peer's listenPort and dLegerPort, a proxy's two ports).
      const byProp = new Map<string, PortUse>();
      for (const u of moving) if (!byProp.has(u.prop ?? u.purpose)) byProp.set(u.prop ?? u.purpose, u);
      const fixes = [...byProp.values()].map((u) => suggestFix(u, uses, suggested));
      findings.push(
        error(
          other.path,
          "ports/collision",
          `${pairs.join("; ")} on host ${machine}: the second process to start fails with "java.net.BindException: Address already in use".`,
          fixes.length === 1
            ? fixes[0]
            : `${fixes.map((f, i) => (i === 0 ? f : f.replace(/^Set /, "set "))).join(" Also ")}`,
        ),
      );
    }
  }
  return findings;
}

/** The first segment of a construct path: the stack, in an app of several. */
function rootOf(path: string): string {
  return path.split("/")[0];
}

function isPort(p: number): boolean {
  return Number.isInteger(p) && p >= MIN_PORT && p <= MAX_PORT;
}

function isForeign(u: PortUse): boolean {
  return u.foreign === true;
}

/**
 * Ports the user's own containers publish on a host, and the ports a host says are taken on its machine (takenPorts,
 * once per machine and port): taken for the library's processes.
 */
function foreignPorts(topology: TopologyModel): PortUse[] {
  const hosts = new Map<string, HostModel>(topology.hosts.map((h) => [h.path, h]));
  const seen = new Set<string>();
  const taken = [...hosts.values()].flatMap((host) =>
    (host.takenPorts ?? []).filter(isPort).flatMap((port) => {
      const key = `${machineOf(host)}\u0000${port}`;
      if (seen.has(key)) return [];
      seen.add(key);
      return [
        {
          port,
          purpose: `(takenPorts of ${host.path})`,
          owner: "a port taken on the machine",
          path: host.path,
          host,
          foreign: true,
        },
      ];
    }),
  );
  return [...taken, ...containerPorts(topology, hosts)];
}

/** Ports the user's own containers publish on a host. */
function containerPorts(topology: TopologyModel, hosts: ReadonlyMap<string, HostModel>): PortUse[] {
  return (topology.foreign ?? []).flatMap((c) => {
    const host = hosts.get(c.hostPath);
    if (!host) return [];
    return c.ports.filter(isPort).map((port) => ({
      port,
      purpose: "published port",
      owner: `docker_container ${c.name ?? c.path}`,
      path: c.path,
      host,
      foreign: true,
    }));
  });
}

/** One finding per prop whose value, or a port derived from it, is not a whole number in 1-65535. */
function rangeFindings(uses: readonly PortUse[], byMachine: ReadonlyMap<string, PortUse[]>): Finding[] {
  const byProp = new Map<string, PortUse[]>();
  for (const u of uses)
    if (!isPort(u.port))
      byProp.set(`${u.path}\u0000${u.prop ?? u.purpose}`, [
        ...(byProp.get(`${u.path}\u0000${u.prop ?? u.purpose}`) ?? []),
        u,
      ]);
  const out: Finding[] = [];
  for (const bad of byProp.values()) {
    const u = bad[0];
    const prop = u.prop ?? u.purpose;
    const value = u.port - (u.offset ?? 0);
    if (!Number.isInteger(value)) {
      out.push(
        error(
          u.path,
          "ports/range",
          `${u.owner} ${prop} is ${value}, not a whole number: a TCP port is a whole number between 1 and 65535.`,
          `Set ${prop} to a whole number, e.g. ${prop}: ${wholeExample(value)}.`,
        ),
      );
      continue;
    }
    const offsets = uses.filter((x) => x.path === u.path && x.prop === u.prop).map((x) => x.offset ?? 0);
    const lo = MIN_PORT - Math.min(...offsets);
    const hi = MAX_PORT - Math.max(...offsets);
    const what = bad.map((x) => `${x.purpose} is ${x.port}`).join(", ");
    const derived =
      offsets.length > 1
        ? ` (it also opens ${offsets
            .filter((o) => o !== 0)
            .map((o) => `${prop}${o > 0 ? "+" : ""}${o}`)
            .join(" and ")})`
        : "";
    const machineUses = byMachine.get(machineOf(u.host)) ?? [];
    const taken = new Set(
      machineUses.filter((x) => x.path !== u.path || (x.prop ?? x.purpose) !== prop).map((x) => x.port),
    );
    const example =
      firstFitting(value, offsets, (v) => offsets.every((o) => isPort(v + o) && !taken.has(v + o)), true) ??
      clamp(value, lo, hi);
    out.push(
      error(
        u.path,
        "ports/range",
        `${u.owner} ${what}, outside 1-65535${bad.some((x) => (x.offset ?? 0) !== 0) ? `: the broker derives it from ${prop} ${value}` : ""}.`,
        `Set ${prop} to a whole number between ${lo} and ${hi}${derived}, e.g. ${prop}: ${example}.`,
      ),
    );
  }
  return out;
}

function wholeExample(v: number): number {
  return Number.isFinite(v) ? clamp(Math.round(v), 1, MAX_PORT) : 10911;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Names a concrete free value of the prop to change, so the fix can be copied: it is checked against every port on
 * the machine (the user's own containers' included) and against the process's own ports. Bounded: at most one pass
 * over the 65535 ports.
 */
function suggestFix(use: PortUse, machineUses: PortUse[], suggested: Set<number>): string {
  const taken = new Set([...machineUses.filter((u) => u.path !== use.path).map((u) => u.port), ...suggested]);
  const own = machineUses.filter((u) => u.path === use.path);
  const prop = use.prop ?? use.purpose;
  const moving = own.filter((u) => (u.prop ?? u.purpose) === prop);
  const fixed = new Set(own.filter((u) => (u.prop ?? u.purpose) !== prop).map((u) => u.port));
  const offsets = moving.map((u) => u.offset ?? 0);
  const start = use.port - (use.offset ?? 0);
  const fits = (v: number) => offsets.every((o) => isPort(v + o) && !taken.has(v + o) && !fixed.has(v + o));
  const found = firstFitting(start, offsets, fits);
  if (found !== undefined) for (const o of offsets) suggested.add(found + o);
  const machine = machineOf(use.host);
  if (found === undefined)
    return `Move ${use.owner} to another host: no value of ${prop} leaves its ports free on ${machine}.`;
  if (offsets.length > 1) {
    const opens = offsets.map((o) => (o === 0 ? prop : `${prop}${o > 0 ? "+" : ""}${o}`)).join(", ");
    return `Set ${prop} of ${use.owner} to a value whose ports (${opens}) are free on ${machine}, e.g. ${prop}: ${found}; brokers sharing a host need listen ports at least 4 apart.`;
  }
  return `Set ${prop} of ${use.owner} to a port that nothing else on ${machine} uses, e.g. ${prop}: ${found}.`;
}

/** listenPort-like values first 1000 apart (10911, 11911, ...), then every value after the current one, wrapping. */
function firstFitting(
  start: number,
  offsets: readonly number[],
  fits: (v: number) => boolean,
  orStart = false,
): number | undefined {
  const lo = MIN_PORT - Math.min(0, ...offsets);
  const hi = MAX_PORT - Math.max(0, ...offsets);
  if (lo > hi) return undefined;
  const from = Number.isInteger(start) ? clamp(start, lo, hi) : lo;
  if (orStart && fits(from)) return from;
  if (offsets.length > 1)
    for (let k = 1; k <= 50 && from + 1000 * k <= hi; k++) if (fits(from + 1000 * k)) return from + 1000 * k;
  const span = hi - lo + 1;
  for (let i = 1; i <= span; i++) {
    const v = lo + ((from - lo + i) % span);
    if (fits(v)) return v;
  }
  return undefined;
}

/**
 * Ports below 1024 on a host whose processes cannot bind them (RocketMQ runs as an unprivileged user without
 * CAP_NET_BIND_SERVICE): "java.net.SocketException: Permission denied" at start. One finding per declared prop.
 */
function privilegedFindings(uses: readonly PortUse[]): Finding[] {
  const seen = new Set<string>();
  const findings: Finding[] = [];
  // The port a prop sets first (listenPort before the fast channel derived from it).
  const ordered = [...uses].sort((a, b) => Math.abs(a.offset ?? 0) - Math.abs(b.offset ?? 0));
  for (const u of ordered) {
    if (u.port >= FIRST_UNPRIVILEGED_PORT || u.host.privilegedPorts !== false || isForeign(u)) continue;
    const key = `${u.path}\u0000${u.prop ?? u.purpose}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const fixed = FIRST_UNPRIVILEGED_PORT + Math.max(0, -(u.offset ?? 0)) + (u.prop === "listenPort" ? 10000 : 0);
    findings.push(
      error(
        u.path,
        "ports/privileged",
        `${u.owner} ${u.purpose} ${u.port} is below ${FIRST_UNPRIVILEGED_PORT}, on ${u.host.description ?? "a host"} where RocketMQ runs as an unprivileged user without CAP_NET_BIND_SERVICE: the bind fails at start with "java.net.SocketException: Permission denied".`,
        `Set ${u.prop ?? "the port"} of ${u.owner} to ${FIRST_UNPRIVILEGED_PORT} or above, e.g. ${u.prop ?? "port"}: ${fixed}${u.host.isolatedLoopback === false && u.host.namedVolumes !== false ? " (or run it on a Docker host's bridge network, where a container may bind any port)" : ""}.`,
      ),
    );
  }
  return findings;
}
