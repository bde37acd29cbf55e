// Hosts as network namespaces. Every host of a stack becomes a namespace "rmqlab-<addr>" with exactly its
// address as /32 and an on-link default route; all are plugged by veth pairs into a bridge that lives in a
// namespace of its own ("rmqlab-br"). The root namespace's interfaces, routes and firewall are never touched.
import * as fs from "fs";
import { log, run, tryRun } from "./util";

export const PREFIX = "rmqlab-";
const BRIDGE_NS = `${PREFIX}br`;
export const CLIENT_NS = `${PREFIX}client`;

/** Every namespace/pid the lab created, for the synchronous cleanup on exit or signal. */
export const registry = {
  namespaces: new Set<string>(),
  pgids: new Set<number>(),
  /** Docker engines of the deploy lab (by name), stopped by the hooks below before the namespaces go. */
  engines: new Set<string>(),
  /** True once the deploy lab started an engine in this run. */
  enginesStarted: false,
  /** Synchronous cleanups that must run before the namespaces are deleted (engines and their containers). */
  beforeNamespaces: [] as (() => void)[],
  /** True: the last-resort cleanup deletes the namespaces this run made only, not every `rmqlab-` one (the VM lab). */
  ownNamespacesOnly: false,
};

/** Whether a command is on PATH. */
export function have(command: string): boolean {
  return tryRun("sh", ["-c", `command -v ${command}`]);
}

/**
 * What every lab needs (ip, unshare, mount, Java, Maven, root), plus `more` commands of its own; throws naming the
 * missing ones and `install` (how to get them).
 */
export function ensureTools(more: readonly string[] = [], install = ""): void {
  if (!have("ip")) {
    log("iproute2 missing: apt-get install -y iproute2");
    run("apt-get", ["update"], { timeoutMs: 300_000 });
    run("apt-get", ["install", "-y", "--no-install-recommends", "iproute2"], {
      timeoutMs: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  }
  for (const c of ["ip", "unshare", "mount", "java", "javac", "mvn"]) {
    if (!have(c)) throw new Error(`${c} is required and missing`);
  }
  if (process.getuid && process.getuid() !== 0) throw new Error("the lab needs root (network and mount namespaces)");
  const missing = more.filter((c) => !have(c));
  if (missing.length) throw new Error(`missing: ${missing.join(", ")}${install ? ` (${install})` : ""}`);
}

/** An address that never leaves the machine that dials it (127.0.0.0/8, ::1, localhost): a newcomer's one machine. */
export function isLoopback(address: string): boolean {
  const a = address.trim().toLowerCase();
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a) || a === "::1" || a === "[::1]" || a === "localhost";
}

export function nsName(addr: string): string {
  return `${PREFIX}${addr.replace(/[.:]/g, "-")}`;
}

function listLabNamespaces(): string[] {
  let out = "";
  try {
    out = run("ip", ["netns", "list"], { timeoutMs: 10_000 });
  } catch {
    return [];
  }
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0])
    .filter((n) => n && n.startsWith(PREFIX));
}

function killNamespacePids(ns: string): void {
  try {
    const pids = run("ip", ["netns", "pids", ns], { timeoutMs: 10_000 }).split(/\s+/).filter(Boolean).map(Number);
    for (const p of pids) {
      try {
        process.kill(p, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  } catch {
    /* namespace gone */
  }
}

/** Deletes namespaces left by a crashed run (and kills what still runs in them). */
export function deleteStale(): number {
  const stale = listLabNamespaces();
  for (const ns of stale) {
    killNamespacePids(ns);
    tryRun("ip", ["netns", "del", ns]);
  }
  if (stale.length) log(`deleted ${stale.length} stale namespace(s): ${stale.join(", ")}`);
  return stale.length;
}

export class Network {
  readonly hosts = new Map<string, string>(); // address -> namespace
  clientAddr = "";
  private n = 0;

  constructor() {
    this.addNs(BRIDGE_NS);
    this.ip(BRIDGE_NS, "link", "add", "br0", "type", "bridge");
    this.ip(BRIDGE_NS, "link", "set", "br0", "up");
    this.ip(BRIDGE_NS, "link", "set", "lo", "up");
  }

  private addNs(ns: string): void {
    run("ip", ["netns", "add", ns]);
    registry.namespaces.add(ns);
  }

  private ip(ns: string, ...args: string[]): void {
    run("ip", ["-n", ns, ...args]);
  }

  private plug(ns: string, addr: string): void {
    const v = `v${this.n++}`;
    this.ip(BRIDGE_NS, "link", "add", v, "type", "veth", "peer", "name", "eth0", "netns", ns);
    this.ip(BRIDGE_NS, "link", "set", v, "master", "br0", "up");
    this.ip(ns, "link", "set", "lo", "up");
    this.ip(ns, "addr", "add", `${addr}/32`, "dev", "eth0");
    this.ip(ns, "link", "set", "eth0", "up");
    this.ip(ns, "route", "add", "default", "dev", "eth0");
  }

  addHost(addr: string): string {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(addr)) throw new Error(`host address ${addr} is not an IPv4 address`);
    const have = this.hosts.get(addr);
    if (have) return have;
    const ns = nsName(addr);
    this.addNs(ns);
    this.plug(ns, addr);
    this.hosts.set(addr, ns);
    return ns;
  }

  /** The client namespace: x.y.z.250 of the first host's /24 (or the next free one downwards). */
  addClient(): string {
    const first = [...this.hosts.keys()][0];
    if (!first) throw new Error("add the hosts before the client");
    const base = first.split(".").slice(0, 3).join(".");
    let last = 250;
    while (this.hosts.has(`${base}.${last}`)) last--;
    this.clientAddr = `${base}.${last}`;
    this.addNs(CLIENT_NS);
    this.plug(CLIENT_NS, this.clientAddr);
    return CLIENT_NS;
  }

  destroy(): void {
    for (const ns of [CLIENT_NS, ...this.hosts.values(), BRIDGE_NS]) {
      killNamespacePids(ns);
      tryRun("ip", ["netns", "del", ns]);
      registry.namespaces.delete(ns);
    }
    this.hosts.clear();
  }
}

/** Synchronous last-resort cleanup: kill every process group we started, delete every namespace we made. */
export function cleanupAllSync(): void {
  for (const f of registry.beforeNamespaces) {
    try {
      f();
    } catch {
      /* best effort: the namespaces still go */
    }
  }
  for (const g of registry.pgids) {
    try {
      process.kill(-g, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  registry.pgids.clear();
  for (const ns of registry.namespaces) {
    killNamespacePids(ns);
    tryRun("ip", ["netns", "del", ns]);
  }
  registry.namespaces.clear();
  if (fs.existsSync("/var/run/netns") && !registry.ownNamespacesOnly) {
    for (const ns of listLabNamespaces()) {
      killNamespacePids(ns);
      tryRun("ip", ["netns", "del", ns]);
    }
  }
}
