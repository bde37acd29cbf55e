/**
 * Asking a running cluster, for the commands a pipeline runs between rollout waves: RocketMQ remoting requests over
 * TCP, as RocketMQ's own clients send them (RemotingCommand's frame: total length, header length with the serialize
 * type in its high byte, the JSON header, the body). A name server is asked who is registered
 * (GET_BROKER_CLUSTER_INFO); a broker how far its commit log goes (GET_BROKER_RUNTIME_INFO) and, on 5.x, how many of
 * its replicas are in sync (GET_BROKER_HA_STATUS). Name servers are not authenticated by access control; brokers are,
 * so a broker request is signed as RocketMQ's AclClientRPCHook signs it (ACL 1.0 and 2.0 alike) when credentials are
 * given. A server in TLS enforcing mode takes the same requests over TLS.
 */
import * as crypto from "crypto";
import * as net from "net";
import * as tls from "tls";

const GET_BROKER_CLUSTER_INFO = 106;
const GET_BROKER_RUNTIME_INFO = 28;
const GET_BROKER_HA_STATUS = 907;
const SUCCESS = 0;
/** ACL 1.0 refuses with code 1 (SYSTEM_ERROR) and a remark naming the accessKey or the signature; ACL 2.0 with 16. */
const NO_PERMISSION = 16;
/** Above any cluster's info: a longer frame is not RocketMQ's answer. */
const MAX_FRAME = 64 * 1024 * 1024;

/** The brokers a name server knows: by brokerName, its cluster and its members' addresses by brokerId. */
export type BrokerTable = Record<string, { cluster: string; addrs: Record<string, string> }>;

/** An account of the cluster's access control, to sign broker requests with. */
export interface Credentials {
  readonly accessKey: string;
  readonly secretKey: string;
}

export interface AskOptions {
  /** Speak TLS (a server in enforcing mode). */
  readonly tls?: boolean;
  /** The CA (PEM) to check the server's certificate against; without it the certificate is not checked. */
  readonly ca?: string;
  /**
   * Sign broker requests (a cluster with access control). Name server requests are never signed.
   * @default none: unsigned, which a broker with access control refuses
   */
  readonly credentials?: Credentials;
}

/** A broker's refusal of an unsigned or wrongly signed request: waiting does not mend it. */
export class AccessRefused extends Error {}

/**
 * AclClientRPCHook's signature: HmacSHA1 with the secret key over the values of the request's extFields in key
 * order (here only AccessKey: these requests have no header) followed by the body, base64.
 */
export function signature(extFields: Readonly<Record<string, string>>, body: Buffer, secretKey: string): string {
  const content = Object.keys(extFields)
    .filter((k) => k !== "Signature")
    .sort()
    .map((k) => extFields[k])
    .join("");
  return crypto
    .createHmac("sha1", Buffer.from(secretKey, "utf8"))
    .update(Buffer.concat([Buffer.from(content, "utf8"), body]))
    .digest("base64");
}

/** The frame of one request with a JSON header and `body`; signed when `credentials` are given. */
export function encodeRequest(
  code: number,
  opaque: number,
  credentials?: Credentials,
  body: Buffer = Buffer.alloc(0),
): Buffer {
  const extFields: Record<string, string> = {};
  if (credentials) {
    extFields.AccessKey = credentials.accessKey;
    extFields.Signature = signature(extFields, body, credentials.secretKey);
  }
  const header = Buffer.from(
    JSON.stringify({
      code,
      extFields,
      flag: 0,
      language: "JAVA",
      opaque,
      serializeTypeCurrentRPC: "JSON",
      version: 0,
    }),
  );
  const out = Buffer.alloc(8 + header.length + body.length);
  out.writeInt32BE(4 + header.length + body.length, 0);
  out.writeInt32BE(header.length & 0xffffff, 4); // serialize type JSON (0) in the high byte
  header.copy(out, 8);
  body.copy(out, 8 + header.length);
  return out;
}

/** One response frame: its header and body, or undefined while `buf` holds less than the whole frame. */
export function decodeResponse(buf: Buffer): { header: { code?: number; remark?: string }; body: Buffer } | undefined {
  if (buf.length < 8) return undefined;
  const total = buf.readInt32BE(0);
  if (total < 4 || total > MAX_FRAME) throw new Error(`not a RocketMQ remoting frame (length ${total})`);
  if (buf.length < 4 + total) return undefined;
  const headerLength = buf.readInt32BE(4) & 0xffffff;
  if ((buf.readUInt8(4) & 0xff) !== 0) throw new Error("the answer's header is not JSON (ROCKETMQ serialization)");
  const header = JSON.parse(buf.subarray(8, 8 + headerLength).toString("utf8")) as { code?: number; remark?: string };
  return { header, body: buf.subarray(8 + headerLength, 4 + total) };
}

/**
 * ClusterInfo as the name server writes it (fastjson: brokerAddrs' keys are bare numbers, `{0:"10.0.0.1:10911"}`),
 * read as JSON once those keys are quoted.
 */
export function parseClusterInfo(text: string): BrokerTable {
  const json = JSON.parse(text.replace(/([{,])\s*(-?\d+)\s*:/g, '$1"$2":')) as {
    brokerAddrTable?: Record<string, { cluster?: string; brokerAddrs?: Record<string, string> }>;
  };
  const out: BrokerTable = {};
  for (const [name, b] of Object.entries(json.brokerAddrTable ?? {}))
    out[name] = { cluster: String(b.cluster ?? ""), addrs: { ...(b.brokerAddrs ?? {}) } };
  return out;
}

/** One answer: its code, remark and body. */
export interface Answer {
  readonly code: number;
  readonly remark: string;
  readonly body: Buffer;
}

/** One request (`body`: its body) to the server at `addr` (`host:port`), answered within `timeoutMs`. */
export function call(
  addr: string,
  code: number,
  timeoutMs: number,
  options: AskOptions,
  body?: Buffer,
): Promise<Answer> {
  const at = addr.lastIndexOf(":");
  const host = addr.slice(0, at).replace(/^\[(.*)\]$/, "$1");
  const port = Number(addr.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port)) return Promise.reject(new Error(`${addr} is not host:port`));
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    let done = false;
    const socket = options.tls
      ? tls.connect({ host, port, ca: options.ca, rejectUnauthorized: options.ca !== undefined, servername: undefined })
      : net.connect({ host, port });
    const finish = (err: Error | undefined, value?: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(new Error(`${addr}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once(options.tls ? "secureConnect" : "connect", () =>
      socket.write(encodeRequest(code, 1, options.credentials, body)),
    );
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const r = decodeResponse(buf);
        if (r) finish(undefined, { code: r.header.code ?? -1, remark: r.header.remark ?? "", body: r.body });
      } catch (e) {
        finish(new Error(`${addr}: ${(e as Error).message}`));
      }
    });
    socket.on("error", (e: Error) => finish(new Error(`${addr}: ${e.message}`)));
    socket.on("close", () => finish(new Error(`${addr}: closed the connection without an answer`)));
  });
}

/** An answer that is not SUCCESS, as an error: an access control refusal as AccessRefused, saying what to give. */
function refusal(addr: string, a: Answer, signed: boolean): Error {
  const what = `${addr}: answered code ${a.code}${a.remark ? ` (${a.remark})` : ""}`;
  if (a.code === NO_PERMISSION || /accessKey|signature|username/i.test(a.remark))
    return new AccessRefused(
      `${what}: the broker checks access control; ${signed ? "the account given (ROCKETMQ_ACCESS_KEY, ROCKETMQ_SECRET_KEY) is not accepted: give one the cluster knows" : "give an account of the cluster in the environment: ROCKETMQ_ACCESS_KEY and ROCKETMQ_SECRET_KEY"} (or wait --registered to check registration only)`,
    );
  return new Error(what);
}

/** The brokers the name server at `addr` (`host:port`) knows, asked within `timeoutMs` (never signed). */
export async function brokerTable(addr: string, timeoutMs: number, options: AskOptions = {}): Promise<BrokerTable> {
  const unsigned: AskOptions = { ...(options.tls ? { tls: true } : {}), ...(options.ca ? { ca: options.ca } : {}) };
  const a = await call(addr, GET_BROKER_CLUSTER_INFO, timeoutMs, unsigned);
  if (a.code !== SUCCESS) throw refusal(addr, a, false);
  try {
    return parseClusterInfo(a.body.toString("utf8"));
  } catch (e) {
    throw new Error(`${addr}: ${(e as Error).message}`, { cause: e });
  }
}

/** How far the commit log of the broker at `addr` goes (its runtime info's commitLogMaxOffset), in bytes. */
export async function commitLogMaxOffset(addr: string, timeoutMs: number, options: AskOptions = {}): Promise<number> {
  const a = await call(addr, GET_BROKER_RUNTIME_INFO, timeoutMs, options);
  if (a.code !== SUCCESS) throw refusal(addr, a, options.credentials !== undefined);
  const kv = JSON.parse(a.body.toString("utf8")) as { table?: Record<string, string> };
  const v = Number(kv.table?.commitLogMaxOffset);
  if (!Number.isFinite(v)) throw new Error(`${addr}: its runtime info has no commitLogMaxOffset`);
  return v;
}

/**
 * How many replicas the master at `addr` counts in sync (5.x: in controller mode its SyncStateSet less itself;
 * otherwise its slaves within haMaxGapNotInSync), or undefined where RocketMQ does not say (4.x answers the code as
 * not supported; a DLedger broker has no HA service).
 */
export async function inSyncReplicas(
  addr: string,
  timeoutMs: number,
  options: AskOptions = {},
): Promise<number | undefined> {
  const a = await call(addr, GET_BROKER_HA_STATUS, timeoutMs, options);
  if (a.code !== SUCCESS) {
    const e = refusal(addr, a, options.credentials !== undefined);
    if (e instanceof AccessRefused) throw e;
    return undefined;
  }
  const info = JSON.parse(a.body.toString("utf8")) as { master?: boolean; inSyncSlaveNums?: number };
  return info.master === true && typeof info.inSyncSlaveNums === "number" ? info.inSyncSlaveNums : undefined;
}

/** A broker a wave restarts: it must be registered under its brokerName and brokerId at its address. */
export interface ExpectedBroker {
  readonly brokerName: string;
  /** Its brokerId; for a DLedger peer or a controller-mode replica, any id (its role is elected). */
  readonly brokerId?: string;
  readonly addr: string;
}

/** What each name server says of the expected brokers: the missing ones, as lines. */
export function missing(
  tables: ReadonlyMap<string, BrokerTable | Error>,
  expected: readonly ExpectedBroker[],
): string[] {
  const out: string[] = [];
  for (const [ns, t] of tables) {
    if (t instanceof Error) {
      out.push(t.message);
      continue;
    }
    for (const b of expected) {
      const addrs = t[b.brokerName]?.addrs ?? {};
      const at = Object.entries(addrs).filter(([, a]) => a === b.addr);
      const ok = b.brokerId === undefined ? at.length > 0 : at.some(([id]) => id === b.brokerId);
      if (!ok)
        out.push(
          `${ns}: ${b.brokerName}${b.brokerId !== undefined ? ` id ${b.brokerId}` : ""} at ${b.addr} not registered (${b.brokerName}: ${JSON.stringify(addrs)})`,
        );
    }
  }
  return out;
}

/** Every name server's table, each asked within what is left of the bound (0.5 to 5 s). */
async function tables(
  nameServers: readonly string[],
  start: number,
  timeoutMs: number,
  options: AskOptions,
): Promise<Map<string, BrokerTable | Error>> {
  const out = new Map<string, BrokerTable | Error>();
  for (const ns of nameServers) {
    const left = Math.max(500, Math.min(5_000, timeoutMs - (Date.now() - start)));
    out.set(ns, await brokerTable(ns, left, options).catch((e: Error) => e));
  }
  return out;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Waits until every name server knows every expected broker at its address, asking every `intervalMs`, for at most
 * `timeoutMs`. Resolves with how long it took; rejects with what is missing.
 */
export async function waitRegistered(
  nameServers: readonly string[],
  expected: readonly ExpectedBroker[],
  timeoutMs: number,
  options: AskOptions & { intervalMs?: number } = {},
): Promise<number> {
  const start = Date.now();
  for (;;) {
    const last = missing(await tables(nameServers, start, timeoutMs, options), expected);
    if (last.length === 0) return Date.now() - start;
    if (Date.now() - start >= timeoutMs)
      throw new Error(`not registered within ${Math.round(timeoutMs / 1000)} s:\n  ${last.join("\n  ")}`);
    await pause(options.intervalMs ?? 1_000);
  }
}

/** Where one set stands: the lines that keep it from being in sync (none: in sync), and what was seen. */
export interface SetSync {
  readonly brokerName: string;
  readonly behind: readonly string[];
  readonly seen: string;
}

/**
 * One look at a set: its master (brokerId 0 as `table` lists it) and every other member registered. Each member must
 * have reached `target` (the master's commitLogMaxOffset when first seen, kept in `targets` by master address, so a
 * set under traffic is in sync once its replicas hold what the master held then), and a master that counts replicas
 * in sync (5.x) must count all of them.
 */
export async function setSync(
  brokerName: string,
  table: BrokerTable,
  targets: Map<string, number>,
  timeoutMs: number,
  options: AskOptions,
): Promise<SetSync> {
  const addrs = table[brokerName]?.addrs ?? {};
  const master = addrs["0"];
  if (master === undefined)
    return { brokerName, behind: [`${brokerName}: no master registered (${JSON.stringify(addrs)})`], seen: "" };
  const replicas = Object.entries(addrs)
    .filter(([id]) => id !== "0")
    .sort(([a], [b]) => Number(a) - Number(b));
  const masterAt = await commitLogMaxOffset(master, timeoutMs, options);
  const key = `${brokerName}@${master}`;
  const target = targets.get(key) ?? masterAt;
  targets.set(key, target);
  const behind: string[] = [];
  for (const [id, addr] of replicas) {
    const at = await commitLogMaxOffset(addr, timeoutMs, options);
    if (at < target)
      behind.push(
        `${brokerName} id ${id} at ${addr}: commitLogMaxOffset ${at}, ${target - at} bytes behind the master's ${target}`,
      );
  }
  const inSync = replicas.length ? await inSyncReplicas(master, timeoutMs, options) : undefined;
  if (inSync !== undefined && inSync < replicas.length)
    behind.push(
      `${brokerName}: the master ${master} counts ${inSync} of its ${replicas.length} replica${replicas.length === 1 ? "" : "s"} in sync`,
    );
  const seen = `${brokerName}: ${replicas.length} replica${replicas.length === 1 ? "" : "s"} at the master ${master}'s commitLogMaxOffset ${target}${inSync !== undefined ? `, ${inSync} counted in sync by the master` : ""}`;
  return { brokerName, behind, seen };
}

/**
 * Waits until the expected brokers are registered (waitRegistered) and every set they belong to is in sync (setSync),
 * within `timeoutMs` in all. Resolves with how long it took and a line per set; rejects with what is behind, at once
 * when a broker refuses for access control (waiting does not mend it).
 */
export async function waitInSync(
  nameServers: readonly string[],
  expected: readonly ExpectedBroker[],
  timeoutMs: number,
  options: AskOptions & { intervalMs?: number } = {},
): Promise<{ took: number; sets: string[] }> {
  const start = Date.now();
  await waitRegistered(nameServers, expected, timeoutMs, options);
  const names = [...new Set(expected.map((b) => b.brokerName))].sort();
  const targets = new Map<string, number>();
  for (;;) {
    const left = () => Math.max(500, Math.min(5_000, timeoutMs - (Date.now() - start)));
    const seen = [...(await tables(nameServers, start, timeoutMs, options)).values()];
    const table = seen.find((t): t is BrokerTable => !(t instanceof Error)) ?? seen[0];
    const looks: SetSync[] = [];
    for (const n of names) {
      if (table instanceof Error) {
        looks.push({ brokerName: n, behind: [table.message], seen: "" });
        continue;
      }
      looks.push(
        await setSync(n, table, targets, left(), options).catch((e: Error) => {
          if (e instanceof AccessRefused) throw e;
          return { brokerName: n, behind: [e.message], seen: "" };
        }),
      );
    }
    const behind = looks.flatMap((l) => l.behind);
    if (behind.length === 0) return { took: Date.now() - start, sets: looks.map((l) => l.seen) };
    if (Date.now() - start >= timeoutMs)
      throw new Error(`not in sync within ${Math.round(timeoutMs / 1000)} s:\n  ${behind.join("\n  ")}`);
    await pause(options.intervalMs ?? 1_000);
  }
}
