/**
 * Which hosts are one machine. Every per-host rule (ports, stores, container names, placement) compares the processes
 * of one machine, and two hosts are one machine when they have one address or one engine: two DockerHosts that point
 * at one Docker engine run their containers side by side, whatever addresses they advertise.
 *
 * Pure: computed once per check from the hosts of the topology.
 */
import { HostModel, TopologyModel } from "./model";

/** An address as compared: blanks, `[...]` around IPv6, a trailing dot and case do not make another machine. */
export function normaliseAddress(address: string): string {
  return String(address)
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
}

/**
 * The machine an engine endpoint runs on: the host of a `tcp://` or `ssh://` endpoint (user and port do not make
 * another machine), `local socket <path>` for a socket of the machine that deploys (`unix://`, `npipe://`).
 */
export function engineMachine(engine: string): string {
  const e = String(engine).trim();
  const remote = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(e);
  if (remote && !/^(unix|npipe):/i.test(e)) return normaliseAddress(remote[1]);
  const socket = /^(unix|npipe):\/\/(.*)$/i.exec(e);
  return socket ? `local socket ${socket[2]}` : e;
}

/** The machine a host is on: `host.machine` once assigned, else its address. */
export function machineOf(host: HostModel): string {
  return host.machine ?? normaliseAddress(host.address);
}

/**
 * Every host of the topology (declared ones and those processes name) with `machine` set: hosts that share an
 * address, or an engine (the engine's host, else the address, per the brief "dockerHost when set, else the address"),
 * are one machine, transitively. The machine's name is its address when it has one, else its addresses joined by " / "
 * with the engine, so that messages about a one-host machine read as before.
 */
export function assignMachines(topology: TopologyModel): TopologyModel {
  const hosts = new Map<string, HostModel>();
  const visit = (h: HostModel) => {
    if (!hosts.has(h.path)) hosts.set(h.path, h);
  };
  topology.hosts.forEach(visit);
  for (const c of topology.clusters) {
    c.nameServers.forEach((p) => visit(p.host));
    c.brokerSets.forEach((s) => s.members.forEach((p) => visit(p.host)));
    c.controllerGroups.forEach((g) => g.controllers.forEach((p) => visit(p.host)));
    c.proxies.forEach((p) => visit(p.host));
    c.dashboards?.forEach((d) => visit(d.host));
  }

  // Union-find over host paths, joined by equal keys: the address, and the engine's machine when the host has an engine.
  const parent = new Map<string, string>([...hosts.keys()].map((p) => [p, p]));
  const find = (p: string): string => {
    let r = p;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(p, r);
    return r;
  };
  const byKey = new Map<string, string>();
  for (const h of hosts.values()) {
    const keys = [`address ${normaliseAddress(h.address)}`];
    if (h.engine !== undefined && !h.unresolved?.includes("engine")) keys.push(`address ${engineMachine(h.engine)}`);
    for (const k of keys) {
      const other = byKey.get(k);
      if (other === undefined) byKey.set(k, h.path);
      else parent.set(find(h.path), find(other));
    }
  }
  const members = new Map<string, HostModel[]>();
  for (const h of hosts.values()) members.set(find(h.path), [...(members.get(find(h.path)) ?? []), h]);
  const name = new Map<string, string>();
  for (const group of members.values()) {
    const addresses = [...new Set(group.map((h) => normaliseAddress(h.address)))].sort();
    const engines = [...new Set(group.filter((h) => h.engine !== undefined).map((h) => String(h.engine)))].sort();
    const label =
      addresses.length === 1
        ? addresses[0]
        : `${addresses.join(" / ")}${engines.length > 0 ? ` (Docker engine ${engines.join(", ")})` : ""}`;
    for (const h of group) name.set(h.path, label);
  }

  const withMachine = (h: HostModel): HostModel =>
    h.machine === name.get(h.path) ? h : { ...h, machine: name.get(h.path) };
  // A host whose every process is a machine of its own (a pod) names each process's machine by its own address.
  const place = <T extends { host: HostModel }>(p: T): T => ({
    ...p,
    host: p.host.machinePerProcess ? { ...p.host, machine: normaliseAddress(p.host.address) } : withMachine(p.host),
  });
  return {
    ...topology,
    hosts: topology.hosts.map(withMachine),
    clusters: topology.clusters.map((c) => ({
      ...c,
      nameServers: c.nameServers.map(place),
      brokerSets: c.brokerSets.map((s) => ({ ...s, members: s.members.map(place) })),
      controllerGroups: c.controllerGroups.map((g) => ({ ...g, controllers: g.controllers.map(place) })),
      proxies: c.proxies.map(place),
      ...(c.dashboards ? { dashboards: c.dashboards.map(place) } : {}),
    })),
  };
}
