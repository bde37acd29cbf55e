// The checking client: LabClient.java as one long-lived process in the client namespace, one JSON line per command.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { registry } from "./hosts";
import { JAVA17_FLAGS, Jars, compileHelper } from "./jars";
import { LAB_DIR, tail } from "./util";

export type Clusters = Record<string, Record<string, Record<string, string>>>;

interface Pending {
  resolve: (v: any) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  cmd: string;
}

export class LabClient {
  private child?: ChildProcess;
  private buf = "";
  private seq = 0;
  private pending = new Map<string, Pending>();
  private ready?: Pending;
  readonly out: string;
  readonly log: string;

  constructor(
    readonly jars: Jars,
    readonly ns: string,
    readonly namesrvAddr: string,
    readonly dir: string,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.out = path.join(dir, "client-stderr.log");
    this.log = path.join(dir, "client-rocketmq.log");
  }

  async start(timeoutMs = 30_000): Promise<void> {
    const classes = compileHelper(this.jars, "LabClient");
    const logback = path.join(LAB_DIR, "rocketmq-home", "conf", "logback_client.xml");
    const err = fs.openSync(this.out, "a");
    this.child = spawn(
      "ip",
      [
        "netns",
        "exec",
        this.ns,
        "java",
        "-Xms64m",
        "-Xmx256m",
        ...JAVA17_FLAGS,
        `-Duser.home=${this.dir}`,
        `-Dlogback.configurationFile=${logback}`,
        `-Drmq.logback.configurationFile=${logback}`,
        `-Drmqlab.log=${this.log}`,
        "-Drocketmq.client.logRoot=" + this.dir,
        "-cp",
        `${classes}:${this.jars.classpath}`,
        "LabClient",
        this.namesrvAddr,
      ],
      { detached: true, stdio: ["pipe", "pipe", err] },
    );
    fs.closeSync(err);
    const pid = this.child.pid ?? 0;
    if (pid) registry.pgids.add(pid);
    this.child.stdout!.setEncoding("utf8");
    this.child.stdout!.on("data", (d: string) => this.onData(d));
    this.child.on("exit", (code, sig) => {
      registry.pgids.delete(pid);
      const e = new Error(`LabClient exited (${code ?? sig}); stderr tail:\n${tail(this.out, 15)}`);
      this.ready?.reject(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.child = undefined;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`LabClient not ready in ${timeoutMs} ms:\n${tail(this.out, 15)}`)),
        timeoutMs,
      );
      this.ready = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
        timer,
        cmd: "start",
      };
    });
  }

  private onData(d: string): void {
    this.buf += d;
    let i: number;
    while ((i = this.buf.indexOf("\n")) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      const m = /^@@LAB (.*)$/.exec(line);
      if (!m) continue;
      let msg: any;
      try {
        msg = JSON.parse(m[1]);
      } catch {
        continue;
      }
      if (msg.id === null || msg.id === undefined) {
        this.ready?.resolve(msg);
        continue;
      }
      const p = this.pending.get(String(msg.id));
      if (!p) continue; // answer to a command that already timed out
      this.pending.delete(String(msg.id));
      clearTimeout(p.timer);
      p.resolve(msg);
    }
  }

  /** Sends one command; resolves with the answer object (ok true or false), rejects on timeout. */
  call(cmd: string, args: string[] = [], timeoutMs = 15_000): Promise<any> {
    if (!this.child) return Promise.reject(new Error("LabClient not running"));
    const id = String(++this.seq);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`LabClient ${cmd} ${args.join(" ")}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, cmd });
      this.child!.stdin!.write(JSON.stringify([id, cmd, ...args]) + "\n");
    });
  }

  /** Like call, but throws when the answer is ok:false. */
  async must(cmd: string, args: string[] = [], timeoutMs = 15_000): Promise<any> {
    const r = await this.call(cmd, args, timeoutMs);
    if (!r.ok) throw new Error(`${cmd} ${args.join(" ")}: ${r.error}`);
    return r;
  }

  async clusters(namesrv?: string, timeoutMs = 8_000): Promise<Clusters> {
    return (await this.must("clusterInfo", namesrv ? [namesrv] : [], timeoutMs)).clusters;
  }

  stop(): void {
    const c = this.child;
    if (!c) return;
    try {
      c.stdin?.write(JSON.stringify(["q", "quit"]) + "\n");
    } catch {
      /* closed */
    }
    try {
      process.kill(-(c.pid ?? 0), "SIGKILL");
    } catch {
      /* gone */
    }
    for (const p of this.pending.values()) clearTimeout(p.timer);
    this.pending.clear();
    this.child = undefined;
  }
}
