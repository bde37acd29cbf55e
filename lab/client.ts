// The checking client: LabClient.java as one long-lived process in the client namespace, one JSON line per command.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { registry } from "./hosts";
import { JAVA17_FLAGS, Jars, compileHelper } from "./jars";
import { LAB_DIR, sleep, tail } from "./util";

export type Clusters = Record<string, Record<string, Record<string, string>>>;

/** An account's keys (ACL 1.0 accessKey/secretKey, ACL 2.0 username/password). Never put into an error or a log line. */
export interface Credentials {
  accessKey: string;
  secretKey: string;
}

/** Why a command failed, as RocketMQ said it. */
export interface Refusal {
  /** The class of the exception the command threw. */
  exception: string;
  /** RocketMQ's response code (ACL 1.0 refusals: 1; ACL 2.0: 16), when an exception of the chain carries one. */
  code?: number;
  /** The class of the exception that carried the code. */
  codeFrom?: string;
  /** That exception's own message: the broker's remark ("No accessKey is configured", "username cannot be null."). */
  message: string;
  /** True when a known secret key was replaced by "***" in it. */
  scrubbed?: boolean;
}

/** A failed answer: the exception chain as text, and the refusal. */
export interface Failed {
  ok: false;
  error: string;
  refusal?: Refusal;
  scrubbed?: boolean;
}

/** An answer: ok with the command's fields, or Failed. */
export type Answer<T> = ({ ok: true; scrubbed?: boolean } & T) | Failed;

export interface Sent {
  /** How many "broker busy" answers (code 2) came before this one and were retried. */
  busyRetries?: number;
  status: string;
  brokerName: string;
  queueId: number;
  offset: number;
  msgId: string;
}

/** What the background producer did between produceStart and produceStop (times from its start). */
export interface Produced {
  topic: string;
  attempted: number;
  /** The number n of every send that got a SendResult (body `<topic>-<n>`). */
  acked: number[];
  /** SendResult statuses: SEND_OK, and the acknowledged-but-not-replicated-yet ones (SLAVE_NOT_AVAILABLE, FLUSH_SLAVE_TIMEOUT). */
  statuses: Record<string, number>;
  failed: number;
  /** The first 10 failed sends. */
  failures: { n: number; atMs: number; error: string }[];
  /** Spans of consecutive failed sends: from the first failed send to the next acknowledged one. */
  outages: { fromMs: number; toMs: number; sends: number }[];
  durationMs: number;
  perBroker: Record<string, number>;
}

export interface Consumed {
  bodies: string[];
  perBroker: Record<string, number>;
}

/** RocketMQ's ResponseCode.SYSTEM_BUSY: the broker's flow control; its producer retries it. */
const SYSTEM_BUSY = 2;
const MAX_BUSY_RETRIES = 5;
const BUSY_PAUSE_MS = 300;

/** "refused with code 1: No accessKey is configured" (or the error text when no refusal came back). */
export function refusalText(r: Failed): string {
  const f = r.refusal;
  if (!f) return r.error;
  return `refused${f.code !== undefined ? ` with code ${f.code}` : ""}: ${f.message} (${f.codeFrom ?? f.exception})`;
}

/** Whether the answer is a refusal with that code whose message holds `text` (any refusal with that code if none). */
export function refusedWith(r: Answer<unknown>, code: number, text?: string): boolean {
  return !r.ok && r.refusal?.code === code && (text === undefined || r.refusal.message.includes(text));
}

interface Pending {
  resolve: (v: any) => void;
  reject: (e: Error) => void;
  timer: NodeJS.Timeout;
  cmd: string;
}

export class LabClient {
  /** The account every command without credentials of its own signs as (null given to a command: nobody). */
  signAs?: Credentials;
  private child?: ChildProcess;
  private buf = "";
  private seq = 0;
  private pending = new Map<string, Pending>();
  private ready?: Pending;
  readonly out: string;
  readonly log: string;
  /** What the client said when it was ready: `useTLS`, whether its clients speak TLS. */
  readyAnswer?: { useTLS?: boolean };

  /**
   * `jvmOptions`: extra system properties of the client's JVM, before its class (the TLS switch: `-Dtls.enable=true`
   * and `-Dtls.config.file=<the client's tls.properties>`).
   */
  constructor(
    readonly jars: Jars,
    readonly ns: string,
    readonly namesrvAddr: string,
    readonly dir: string,
    readonly jvmOptions: readonly string[] = [],
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
        ...this.jvmOptions,
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
        resolve: (msg: { useTLS?: boolean }) => {
          this.readyAnswer = msg;
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

  /**
   * Sends one command, as the account of `creds` or as nobody; resolves with the answer object (ok true or false),
   * rejects on timeout. The keys go to the client's stdin only, never into an error message.
   */
  call(cmd: string, args: string[] = [], timeoutMs = 15_000, who?: Credentials | null): Promise<any> {
    if (!this.child) return Promise.reject(new Error("LabClient not running"));
    const creds = who === null ? undefined : (who ?? this.signAs);
    const id = String(++this.seq);
    const as = creds ? ` (as ${creds.accessKey})` : "";
    const line: unknown[] = [id, cmd, ...args];
    if (creds) line.push({ accessKey: creds.accessKey, secretKey: creds.secretKey });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`LabClient ${cmd} ${args.join(" ")}${as}: no answer in ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer, cmd });
      this.child!.stdin!.write(JSON.stringify(line) + "\n");
    });
  }

  /** Like call, but throws when the answer is ok:false. */
  async must(cmd: string, args: string[] = [], timeoutMs = 15_000, creds?: Credentials): Promise<any> {
    const r = await this.call(cmd, args, timeoutMs, creds);
    if (!r.ok) throw new Error(`${cmd} ${args.join(" ")}${creds ? ` (as ${creds.accessKey})` : ""}: ${r.error}`);
    return r;
  }

  async clusters(namesrv?: string, timeoutMs = 8_000, creds?: Credentials): Promise<Clusters> {
    return (await this.must("clusterInfo", namesrv ? [namesrv] : [], timeoutMs, creds)).clusters;
  }

  /** The cluster info from the client's name servers (or `namesrv`), as an answer (a refusal does not throw). */
  clusterInfo(namesrv?: string, creds?: Credentials, timeoutMs = 8_000): Promise<Answer<{ clusters: Clusters }>> {
    return this.call("clusterInfo", namesrv ? [namesrv] : [], timeoutMs, creds);
  }

  /**
   * One message to the topic, on a queue of `brokerName` (or any broker with ""). A "broker busy" answer (code 2,
   * SYSTEM_BUSY: the broker's flow control, "[TIMEOUT_CLEAN_QUEUE]broker busy" when a send waited over 200 ms in its
   * queue, as on a loaded 2-core machine) is retried within `timeoutMs`, as RocketMQ's producer retries it
   * (DefaultMQProducer.retryResponseCodes); a send to one chosen queue gets no retry from the client itself. The
   * answer counts the retries. Every other refusal comes back at once.
   */
  async send(
    topic: string,
    brokerName: string,
    body: string,
    creds?: Credentials | null,
    timeoutMs = 8_000,
  ): Promise<Answer<Sent>> {
    const until = Date.now() + timeoutMs;
    for (let busy = 0; ; busy++) {
      const r: Answer<Sent> = await this.call(
        "send",
        [topic, brokerName, body],
        Math.max(1_000, until - Date.now()),
        creds,
      );
      if (r.ok) return busy > 0 ? { ...r, busyRetries: busy } : r;
      if (r.refusal?.code !== SYSTEM_BUSY || busy >= MAX_BUSY_RETRIES || Date.now() + BUSY_PAUSE_MS >= until) return r;
      await sleep(BUSY_PAUSE_MS);
    }
  }

  /**
   * Every message of the topic (of `brokerName`, or all with ""), pulled from offset 0 of every queue, as consumer
   * group `group` (default lab_pull_group; ACL 1.0 checks the account's permission on it at every pull).
   */
  consume(
    topic: string,
    brokerName = "",
    creds?: Credentials,
    timeoutMs = 30_000,
    group?: string,
  ): Promise<Answer<Consumed>> {
    return this.call("consume", group ? [topic, brokerName, group] : [topic, brokerName], timeoutMs, creds);
  }

  /**
   * Starts the client's background producer: bodies `<topic>-<n>`, at most `ratePerSecond`, on its own thread (it keeps
   * sending while this process blocks in a tofu apply), as an application's producer (its own queue selection, 2
   * retries, 3 s timeout, routes polled every second); signed as `creds` when given (a cluster with access control).
   */
  async produceStart(topic: string, ratePerSecond: number, creds?: Credentials): Promise<void> {
    await this.must("produceStart", [topic, String(ratePerSecond)], 15_000, creds);
  }

  /** Stops the background producer; what it sent. */
  async produceStop(): Promise<Produced> {
    return (await this.must("produceStop", [], 60_000)) as Produced;
  }

  /** The topic (4 queues) on every master of the cluster; answers the masters' addresses. */
  createTopic(
    topic: string,
    cluster: string,
    creds?: Credentials,
    timeoutMs = 15_000,
  ): Promise<Answer<{ brokers: string[] }>> {
    return this.call("createTopic", [topic, cluster], timeoutMs, creds);
  }

  /** Whether the broker at brokerAddr holds the topic in its topic table. */
  hasTopic(
    brokerAddr: string,
    topic: string,
    creds?: Credentials,
    timeoutMs = 8_000,
  ): Promise<Answer<{ has: boolean }>> {
    return this.call("hasTopic", [brokerAddr, topic], timeoutMs, creds);
  }

  /** The name server's route of the topic (TopicRouteData as JSON). */
  route(topic: string, creds?: Credentials, timeoutMs = 8_000): Promise<Answer<{ route: any }>> {
    return this.call("route", [topic], timeoutMs, creds);
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
