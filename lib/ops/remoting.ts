/**
 * Asking a running cluster, for the commands a pipeline runs between rollout waves: one RocketMQ remoting request
 * (GET_BROKER_CLUSTER_INFO, code 106) to a name server over TCP, as RocketMQ's own clients send it (RemotingCommand's
 * frame: total length, header length with the serialize type in its high byte, the JSON header, the body). Name
 * servers are not authenticated by access control; a name server in TLS enforcing mode takes the same request over TLS.
 */
import * as net from "net";
import * as tls from "tls";

const GET_BROKER_CLUSTER_INFO = 106;
const SUCCESS = 0;
/** Above any cluster's info: a longer frame is not RocketMQ's answer. */
const MAX_FRAME = 64 * 1024 * 1024;

/** The brokers a name server knows: by brokerName, its cluster and its members' addresses by brokerId. */
export type BrokerTable = Record<string, { cluster: string; addrs: Record<string, string> }>;

export interface AskOptions {
  /** Speak TLS (a name server in enforcing mode). */
  readonly tls?: boolean;
  /** The CA (PEM) to check the server's certificate against; without it the certificate is not checked. */
  readonly ca?: string;
}

/** The frame of one request with a JSON header and no body. */
export function encodeRequest(code: number, opaque: number): Buffer {
  const header = Buffer.from(
    JSON.stringify({
      code,
      extFields: {},
      flag: 0,
      language: "JAVA",
      opaque,
      serializeTypeCurrentRPC: "JSON",
      version: 0,
    }),
  );
  const out = Buffer.alloc(8 + header.length);
  out.writeInt32BE(4 + header.length, 0);
  out.writeInt32BE(header.length & 0xffffff, 4); // serialize type JSON (0) in the high byte
  header.copy(out, 8);
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

/** The brokers the name server at `addr` (`host:port`) knows, asked within `timeoutMs`. */
export function brokerTable(addr: string, timeoutMs: number, options: AskOptions = {}): Promise<BrokerTable> {
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
    const finish = (err: Error | undefined, value?: BrokerTable) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(value!);
    };
    const timer = setTimeout(() => finish(new Error(`${addr}: no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.once(options.tls ? "secureConnect" : "connect", () =>
      socket.write(encodeRequest(GET_BROKER_CLUSTER_INFO, 1)),
    );
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      try {
        const r = decodeResponse(buf);
        if (!r) return;
        if (r.header.code !== SUCCESS)
          return finish(
            new Error(`${addr}: answered code ${r.header.code}${r.header.remark ? ` (${r.header.remark})` : ""}`),
          );
        finish(undefined, parseClusterInfo(r.body.toString("utf8")));
      } catch (e) {
        finish(new Error(`${addr}: ${(e as Error).message}`));
      }
    });
    socket.on("error", (e: Error) => finish(new Error(`${addr}: ${e.message}`)));
    socket.on("close", () => finish(new Error(`${addr}: closed the connection without an answer`)));
  });
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
    const tables = new Map<string, BrokerTable | Error>();
    for (const ns of nameServers) {
      const left = Math.max(500, Math.min(5_000, timeoutMs - (Date.now() - start)));
      tables.set(ns, await brokerTable(ns, left, options).catch((e: Error) => e));
    }
    const last = missing(tables, expected);
    if (last.length === 0) return Date.now() - start;
    if (Date.now() - start >= timeoutMs)
      throw new Error(`not registered within ${Math.round(timeoutMs / 1000)} s:\n  ${last.join("\n  ")}`);
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 1_000));
  }
}
