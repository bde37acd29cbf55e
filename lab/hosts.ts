// Hosts as network namespaces. Every host of a stack becomes a namespace "rmqlab-<addr>" with exactly its
// address as /32 and an on-link default route; all are plugged by veth pairs into a bridge that lives in a
// namespace of its own ("rmqlab-br"). The root namespace's interfaces, routes and firewall are never touched.
import { spawnSync } from "child_process";
import * as fs from "fs";
import { log, run, stripAnsi, tryRun } from "./util";

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

/** How a tool is asked its version, when not `--version`. */
const VERSION_ARGS: Record<string, string[]> = {
  ip: ["-V"],
  java: ["-version"],
  javac: ["-version"],
  mvn: ["-v"],
  go: ["version"],
};

/** What every lab needs, besides root. */
export const LAB_TOOLS: readonly string[] = ["ip", "unshare", "mount", "java", "javac", "mvn"];

/** Each tool asked its version: the first line it answered, or why it did not (not found, non-zero exit). */
export function toolVersions(tools: readonly string[]): { tool: string; version?: string; error?: string }[] {
  return tools.map((tool) => {
    const r = spawnSync(tool, VERSION_ARGS[tool] ?? ["--version"], {
      encoding: "utf8",
      timeout: 30_000,
      killSignal: "SIGKILL",
    });
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      return { tool, error: code === "ENOENT" ? "not found" : r.error.message };
    }
    const first = stripAnsi(`${r.stdout ?? ""}\n${r.stderr ?? ""}`)
      .split("\n")
      .map((l) => l.trim())
      .find(Boolean);
    if (r.status !== 0) return { tool, error: `exit ${r.status ?? r.signal}${first ? `: ${first}` : ""}` };
    return first ? { tool, version: first } : { tool, error: "answered no version" };
  });
}

/**
 * The prerequisites of a lab, as seen: iproute2 installed when missing (apt-get), then every tool of LAB_TOOLS and
 * `more` asked its version, and the user id. ok: every tool answered and the lab runs as root; detail: what each
 * answered, what is missing and how to get it (`install`).
 */
export function prerequisites(more: readonly string[] = [], install = ""): { ok: boolean; detail: string } {
  if (!have("ip")) {
    log("iproute2 missing: apt-get install -y iproute2");
    run("apt-get", ["update"], { timeoutMs: 300_000 });
    run("apt-get", ["install", "-y", "--no-install-recommends", "iproute2"], {
      timeoutMs: 300_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  }
  const versions = toolVersions([...LAB_TOOLS, ...more]);
  const missing = versions.filter((v) => v.version === undefined).map((v) => v.tool);
  const uid = process.getuid?.();
  const detail = [
    ...versions.map((v) => `${v.tool}: ${v.version ?? `MISSING (${v.error})`}`),
    `uid ${uid}${uid === 0 ? "" : " (the lab needs root: network and mount namespaces)"}`,
    ...(missing.length && install ? [`to install ${missing.join(", ")}: ${install}`] : []),
  ];
  return { ok: missing.length === 0 && uid === 0, detail: detail.join("; ") };
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
  let out: string;
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
