// One synthesized stack brought up for real, and checked through one LabClient. Two kinds share the checks
// (scenarios.ts): the process lab (hosts as namespaces, each container a java process; this file) and the deploy
// lab (the stack applied by OpenTofu to Docker engines in those namespaces; engine/deployment.ts).
import * as fs from "fs";
import * as path from "path";
import { Clusters, Credentials, LabClient } from "./client";
import { CLIENT_NS, Network } from "./hosts";
import { Jars, ensureJars } from "./jars";
import { LabProc, Proc } from "./procs";
import { Container, Stack, configProps } from "./stack";
import { log, ms, sleep, waitFor } from "./util";

export interface BrokerExpect {
  proc: LabProc;
  cluster: string;
  brokerName: string;
  addr: string; // brokerIP1:listenPort as registered
  id?: string; // expected brokerId ("0" for masters, the file's id for slaves, undefined for DLedger)
  dledger: boolean;
  namesrvs: string[];
}

export function namesrvAddrOf(c: Container): string {
  const p = configProps(c);
  return `${c.host}:${(p.listenPort ?? "9876").trim()}`;
}

export function brokerExpect(proc: LabProc): BrokerExpect {
  const c = proc.c;
  const p = configProps(c);
  const dledger = (p.enableDLegerCommitLog ?? "").trim() === "true";
  const role = (p.brokerRole ?? "ASYNC_MASTER").trim();
  const id = dledger ? undefined : role === "SLAVE" ? String(Number((p.brokerId ?? "0").trim())) : "0";
  return {
    proc,
    cluster: (p.brokerClusterName ?? "DefaultCluster").trim(),
    brokerName: (p.brokerName ?? "").trim(),
    addr: `${(p.brokerIP1 ?? c.host).trim()}:${(p.listenPort ?? "10911").trim()}`,
    id,
    dledger,
    namesrvs: (p.namesrvAddr ?? "")
      .split(";")
      .map((s) => s.trim())
      .filter(Boolean),
  };
}

/** brokerId under which addr is registered in the cluster info, if it is. */
export function registeredId(
  cl: Clusters,
  b: { cluster: string; brokerName: string; addr: string },
): string | undefined {
  const addrs = cl[b.cluster]?.[b.brokerName] ?? {};
  return Object.keys(addrs).find((id) => addrs[id] === b.addr);
}

/** What both kinds of deployment share: the servers, the client, readiness waits. */
export abstract class Deployment {
  readonly procs: LabProc[] = [];
  client?: LabClient;
  readonly jars: Jars;
  abstract readonly namesrvAddrs: string[];
  readonly timings: Record<string, number> = {};
  /** The namespace the client runs in (a machine of its own, or the dev machine itself). */
  abstract readonly clientNs: string;
  /**
   * Scale of the bounds of start-up waits (JVMs that start at once on a busy 2-core machine): 1 for the process
   * lab; more for containers, which all start within one apply. Never of the failover claims themselves.
   */
  startupScale = 1;
  /** Extra JVM options of the deployment's client (the TLS switch, for a cluster that enforces TLS). */
  clientJvmOptions: readonly string[] = [];

  /**
   * The namesrvAddr the stack printed (its output), which the client is given as a user would be; checked against
   * the name servers' own files first.
   */
  protected namesrvAddrsPrinted(namesrvAddr: string): string[] {
    const printed = namesrvAddr.split(";").filter(Boolean);
    const fromFiles = this.byRole("mqnamesrv")
      .map((p) => namesrvAddrOf(p.c))
      .sort();
    if (JSON.stringify([...printed].sort()) !== JSON.stringify(fromFiles)) {
      throw new Error(
        `${this.stack.name}: the stack output namesrvAddr ${namesrvAddr} is not the name servers' addresses ${fromFiles.join(";")}`,
      );
    }
    return printed;
  }

  /** A start-up bound, scaled. */
  bound(ms: number): number {
    return Math.round(ms * this.startupScale);
  }

  constructor(
    readonly stack: Stack,
    readonly dir: string,
  ) {
    const versions = [...new Set(stack.containers.map((c) => c.version))];
    if (versions.length !== 1)
      throw new Error(
        `${stack.name}: containers of several versions (${versions.join(", ")}); the lab runs one version per stack`,
      );
    this.jars = ensureJars(versions[0]);
  }

  /** True when a killed server comes back by itself (a restart policy), racing the failover it triggers. */
  readonly restartsOnItsOwn: boolean = false;

  /**
   * Makes the next restart of a server slow (a machine that takes time to come back); resolves with how, and the
   * undo. Only where servers restart by themselves.
   */
  slowRestart?(p: LabProc): Promise<{ how: string; restore: () => Promise<void> }>;

  /**
   * Replaces a server with a new one on an empty store (a machine or disk lost and rebuilt), same files; resolves with
   * how. Only where the lab can do it cheaply (the process lab).
   */
  replaceWithEmptyStore?(p: LabProc): Promise<string>;

  /**
   * Restarts a server with one of its files changed (what Terraform does when a file's content changes: a new value
   * of a secret variable); resolves with how. Only where the lab can do it cheaply (the process lab).
   */
  restartWithFile?(p: LabProc, file: string, content: string): Promise<string>;

  /** After kill9 of a server: bring it back the way this deployment does; resolves with how. */
  abstract restartAfterKill(p: LabProc): Promise<string>;

  abstract destroy(): Promise<void>;

  byRole(script: string): LabProc[] {
    return this.procs.filter((p) => p.script === script);
  }

  proc(name: string): LabProc {
    const p = this.procs.find((x) => x.c.name === name);
    if (!p) throw new Error(`no container ${name} in ${this.stack.name}`);
    return p;
  }

  /** The account the checking client signs as when a command names none (a cluster with access control). */
  signAs?: Credentials;

  async startClient(): Promise<LabClient> {
    const t = Date.now();
    this.client = new LabClient(
      this.jars,
      this.clientNs,
      this.namesrvAddrs.join(";"),
      path.join(this.dir, "client"),
      this.clientJvmOptions,
    );
    this.client.signAs = this.signAs;
    await this.client.start();
    this.timings["client start"] = Date.now() - t;
    return this.client;
  }

  /** Fails fast when a process died while we wait for it. */
  assertAlive(ps: LabProc[]): void {
    for (const p of ps) {
      if (!p.alive)
        throw new Error(`${p.c.name} exited (${p.exit?.code ?? p.exit?.signal}) while waiting:\n${p.tails()}`);
    }
  }

  async startNamesrvs(timeoutMs = this.bound(30_000)): Promise<void> {
    const ps = this.byRole("mqnamesrv");
    for (const p of ps) p.start();
    await Promise.all(
      ps.map(async (p) => {
        const addr = namesrvAddrOf(p.c);
        await waitFor(`name server ${p.c.name} (${addr}) to answer`, timeoutMs, 100, async () => {
          this.assertAlive([p]);
          await this.client!.clusters(addr, 3000);
          return true;
        });
        this.timings[`ready ${p.c.name}`] = Date.now() - p.startedAt;
      }),
    );
  }

  /** Starts the brokers and waits until each is registered at its address in every name server it names. */
  async startBrokers(ps = this.byRole("mqbroker"), timeoutMs = this.bound(60_000)): Promise<void> {
    for (const p of ps) p.start();
    await this.waitRegistered(ps, timeoutMs);
  }

  async waitRegistered(
    ps: LabProc[],
    timeoutMs: number,
    accept?: (b: BrokerExpect, id: string) => boolean,
  ): Promise<void> {
    await Promise.all(
      ps.map(async (p) => {
        const b = brokerExpect(p);
        const nss = b.namesrvs.length ? b.namesrvs : this.namesrvAddrs;
        for (const ns of nss) {
          await waitFor(`${p.c.name} (${b.brokerName} ${b.addr}) registered in ${ns}`, timeoutMs, 150, async () => {
            this.assertAlive([p]);
            const id = registeredId(await this.client!.clusters(ns, 3000), b);
            return id !== undefined && (!accept || accept(b, id)) ? true : undefined;
          });
        }
        this.timings[`ready ${p.c.name}${p.starts > 1 ? ` (start #${p.starts})` : ""}`] = Date.now() - p.startedAt;
      }),
    );
  }

  async up(): Promise<void> {
    await this.startClient();
    await this.startNamesrvs();
    // Proxies are started by the scenario that checks them (they need the brokers registered first).
    const other = this.procs.filter((p) => !["mqnamesrv", "mqbroker", "mqproxy"].includes(p.script));
    if (other.length)
      throw new Error(`roles up() does not start: ${other.map((p) => `${p.c.name} (${p.script})`).join(", ")}`);
    await this.startBrokers();
    const ready = Object.entries(this.timings)
      .filter(([k]) => k.startsWith("ready "))
      .map(([k, v]) => `${k.slice(6)} ${ms(v)}`);
    log(`${this.stack.name}: up; readiness (spawn -> answering/registered): ${ready.join(", ")}`);
    log(`${this.stack.name}: RSS MiB: ${this.rssReport()}`);
  }

  rssReport(): string {
    return this.procs
      .filter((p) => p.alive)
      .map((p) => `${p.c.name}=${p.rss() ?? "?"}${p.c.memoryMiB ? `/${p.c.memoryMiB}` : ""}`)
      .join(", ");
  }
}

/** The process lab: every host a network namespace, every container a java process in it (procs.ts). */
export class ProcessDeployment extends Deployment {
  readonly net = new Network();
  readonly namesrvAddrs: string[];
  readonly clientNs = CLIENT_NS;

  constructor(stack: Stack, dir: string) {
    super(stack, dir);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const c of stack.containers) {
      const ns = this.net.addHost(c.host);
      this.procs.push(new Proc(c, { jars: this.jars, hostNs: ns, hostDir: path.join(dir, "hosts", c.host) }));
    }
    this.net.addClient();
    this.namesrvAddrs = this.byRole("mqnamesrv").map((p) => namesrvAddrOf(p.c));
    log(
      `${stack.name}: ${this.net.hosts.size} host namespaces (${[...this.net.hosts.keys()].join(", ")}), client ${this.net.clientAddr}; ` +
        `${this.procs.length} containers; RocketMQ ${this.jars.version}`,
    );
  }

  async replaceWithEmptyStore(p: LabProc): Promise<string> {
    await p.kill9();
    const stores = (p as Proc).storeMounts();
    for (const m of stores) fs.rmSync(m.source, { recursive: true, force: true });
    p.start();
    return `killed, its store (${stores.map((m) => m.target).join(", ")}) deleted, started again on an empty one`;
  }

  async restartWithFile(p: LabProc, file: string, content: string): Promise<string> {
    const upload = p.c.uploads.find((u) => u.file === file);
    if (!upload) throw new Error(`${p.c.name} has no file ${file}`);
    await p.kill9();
    upload.content = content;
    p.start();
    return `killed, ${path.posix.basename(file)} changed, started again on its store`;
  }

  /** The process lab has no restart policy: it starts the same files on the same store again. */
  restartAfterKill(p: LabProc): Promise<string> {
    p.start();
    return Promise.resolve("started again by the lab on its store");
  }

  async destroy(): Promise<void> {
    this.client?.stop();
    for (const p of this.procs) {
      try {
        await p.kill9(5_000);
      } catch (e) {
        log(`cleanup: ${(e as Error).message}`);
      }
    }
    await sleep(50);
    this.net.destroy();
    // Stores are temporary: remove the volume folders, keep the logs for reading.
    const hosts = path.join(this.dir, "hosts");
    if (fs.existsSync(hosts)) {
      for (const h of fs.readdirSync(hosts)) {
        fs.rmSync(path.join(hosts, h, "volumes"), { recursive: true, force: true });
        fs.rmSync(path.join(hosts, h, "host_paths"), { recursive: true, force: true });
      }
    }
  }
}
