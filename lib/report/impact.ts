/**
 * Change impact: given the synthesized Terraform JSON of a stack before and after a change, which RocketMQ
 * processes the change restarts (their docker_container is replaced) and why, which are only updated in place,
 * which start or stop, whether every raft group and controller-mode set keeps a majority if those restarts happen
 * at once, and how to roll the change out safely when it does not.
 *
 * What forces a replacement follows kreuzwerker/docker: every docker_container attribute the library writes is
 * ForceNew except `memory`, `memory_swap` and `restart` (updated in place); `depends_on`, `lifecycle` and cdktf's
 * metadata change nothing on the engine. Pure: no cdktf, no file system.
 */
import { cmp } from "../core/findings";
import { parseProperties } from "../core/render/properties";

/** Attributes whose change does not replace the container. */
const IN_PLACE = new Set(["memory", "memory_swap", "restart"]);
const NO_EFFECT = new Set(["//", "depends_on", "lifecycle", "provider", "count", "for_each"]);

export interface ProcessChange {
  /** `<provider alias>/<container name>`. */
  readonly key: string;
  readonly name: string;
  /** The resource address, for `tofu apply -target=<address>`. */
  readonly address: string;
  readonly role: string;
  readonly host: string;
  /** brokerName of a broker. */
  readonly brokerName?: string;
  /** Why: one line per changed attribute or key, e.g. `broker.properties fileReservedTime: 72 -> 120`. */
  readonly reasons: readonly string[];
}

export interface GroupImpact {
  /** `DLedger group broker-c`, `controller-mode set broker-a`, `controllers group1`, `master/slave set broker-a`. */
  readonly group: string;
  readonly kind: "dledger" | "controller-set" | "controllers" | "pair";
  readonly members: readonly string[];
  readonly restarted: readonly string[];
  /** Members that must stay up for the group to work: a majority (raft), or the master (pair). */
  readonly needed: number;
  readonly keepsQuorum: boolean;
}

export interface StackImpact {
  readonly stack: string;
  readonly restarted: readonly ProcessChange[];
  readonly updatedInPlace: readonly ProcessChange[];
  readonly started: readonly ProcessChange[];
  readonly stopped: readonly ProcessChange[];
  /** Store volumes that the change deletes or renames: their data would be lost (prevent_destroy stops the plan). */
  readonly storesLost: readonly string[];
  readonly groups: readonly GroupImpact[];
  /** The name servers changed: before and after namesrvAddr of the brokers. */
  readonly namesrvAddr?: { readonly before: string; readonly after: string };
  /**
   * Waves (container names) that keep every group working, when the change restarts more than that at once: new
   * name servers first, then the restarts.
   */
  readonly waves: readonly (readonly string[])[];
  /** Container name -> resource address, for the waves' `-target`. */
  readonly addresses: Readonly<Record<string, string>>;
}

interface Container {
  readonly id: string;
  readonly key: string;
  readonly raw: any;
  readonly labels: Record<string, string>;
  readonly files: Record<string, string>;
}

function labelsOf(raw: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of raw.labels ?? []) out[l.label] = String(l.value);
  return out;
}

function containersOf(doc: any): Map<string, Container> {
  const out = new Map<string, Container>();
  for (const [id, raw] of Object.entries<any>(doc?.resource?.docker_container ?? {})) {
    const labels = labelsOf(raw);
    const files: Record<string, string> = {};
    for (const u of raw.upload ?? []) files[String(u.file)] = String(u.content ?? "");
    const key = `${String(raw.provider ?? "docker").replace(/^docker\./, "")}/${raw.name}`;
    out.set(key, { id, key, raw: resolveVolumes(doc, raw), labels, files });
  }
  return out;
}

/** `${docker_volume.x.name}` → the volume's literal name, so that a renamed volume shows as a change. */
function resolveVolumes(doc: any, raw: any): any {
  if (!raw.volumes) return raw;
  const volumes = raw.volumes.map((v: any) => {
    const m = /^\$\{docker_volume\.([^.}]+)\.name\}$/.exec(String(v.volume_name ?? ""));
    return m ? { ...v, volume_name: doc?.resource?.docker_volume?.[m[1]]?.name ?? v.volume_name } : v;
  });
  return { ...raw, volumes };
}

function describe(c: Container): Omit<ProcessChange, "reasons"> {
  return {
    key: c.key,
    name: String(c.raw.name),
    address: `docker_container.${c.id}`,
    role: c.labels["rocketmq.role"] ?? "container",
    host: c.labels["rocketmq.host"] ?? "",
    brokerName: c.labels["rocketmq.brokerName"],
  };
}

/** What changed between two versions of a file the library uploads: keys of a properties file or rmq-proxy.json. */
function fileChanges(file: string, before: string | undefined, after: string | undefined): string[] {
  const base = file.slice(file.lastIndexOf("/") + 1);
  if (before === undefined) return [`${base} added`];
  if (after === undefined) return [`${base} removed`];
  if (before === after) return [];
  const parse = (t: string): Record<string, string> => {
    if (base.endsWith(".json")) {
      try {
        return Object.fromEntries(Object.entries<any>(JSON.parse(t)).map(([k, v]) => [k, String(v)]));
      } catch {
        return { "(content)": t };
      }
    }
    return parseProperties(t);
  };
  const a = parse(before);
  const b = parse(after);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const out = keys
    .filter((k) => a[k] !== b[k])
    .map((k) => `${base} ${k}: ${a[k] ?? "(unset)"} -> ${b[k] ?? "(unset)"}`);
  return out.length ? out : [`${base}: comments only`];
}

const show = (v: unknown): string => (v === undefined ? "(unset)" : typeof v === "string" ? v : JSON.stringify(v));

function attributeChanges(a: Container, b: Container): { replace: string[]; inPlace: string[] } {
  const replace: string[] = [];
  const inPlace: string[] = [];
  const keys = [...new Set([...Object.keys(a.raw), ...Object.keys(b.raw)])].sort();
  for (const k of keys) {
    if (NO_EFFECT.has(k)) continue;
    const va = a.raw[k];
    const vb = b.raw[k];
    if (JSON.stringify(va) === JSON.stringify(vb)) continue;
    if (IN_PLACE.has(k)) {
      inPlace.push(`${k}: ${show(va)} -> ${show(vb)}`);
    } else if (k === "upload") {
      const files = [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])].sort();
      for (const f of files) replace.push(...fileChanges(f, a.files[f], b.files[f]));
    } else if (k === "env") {
      const ea = new Set<string>(va ?? []);
      const eb = new Set<string>(vb ?? []);
      for (const e of [...ea].filter((x) => !eb.has(x)).sort())
        replace.push(
          `env ${e.split("=")[0]}: ${e.slice(e.indexOf("=") + 1)} -> ${[...eb].find((x) => x.startsWith(e.split("=")[0] + "="))?.slice(e.indexOf("=") + 1) ?? "(unset)"}`,
        );
      for (const e of [...eb]
        .filter((x) => !ea.has(x) && ![...ea].some((y) => y.split("=")[0] === x.split("=")[0]))
        .sort())
        replace.push(`env ${e} added`);
    } else if (k === "ports") {
      const pa = (va ?? []).map((p: any) => p.external).sort((x: number, y: number) => x - y);
      const pb = (vb ?? []).map((p: any) => p.external).sort((x: number, y: number) => x - y);
      replace.push(`ports: ${pa.join(", ") || "(none)"} -> ${pb.join(", ") || "(none)"}`);
    } else if (k === "labels") {
      const la = a.labels;
      const lb = b.labels;
      const ks = [...new Set([...Object.keys(la), ...Object.keys(lb)])].sort().filter((x) => la[x] !== lb[x]);
      replace.push(...ks.map((x) => `label ${x}: ${la[x] ?? "(unset)"} -> ${lb[x] ?? "(unset)"}`));
    } else {
      replace.push(`${k}: ${show(va)} -> ${show(vb)}`);
    }
  }
  return { replace, inPlace };
}

interface Group {
  name: string;
  kind: GroupImpact["kind"];
  members: string[];
}

/** Raft groups, controller-mode sets and master/slave sets, read from the containers' files and labels. */
function groupsOf(cs: Map<string, Container>): Group[] {
  const groups = new Map<string, Group>();
  const add = (key: string, name: string, kind: GroupImpact["kind"], member: string) => {
    const g = groups.get(key) ?? { name, kind, members: [] };
    g.members.push(member);
    groups.set(key, g);
  };
  for (const c of cs.values()) {
    const props =
      Object.entries(c.files)
        .filter(([f]) => !f.endsWith(".json"))
        .map(([, t]) => parseProperties(t))[0] ?? {};
    const cluster = c.labels["rocketmq.cluster"] ?? "";
    const bn = c.labels["rocketmq.brokerName"];
    if (c.labels["rocketmq.role"] === "broker" && bn) {
      if (props.enableDLegerCommitLog === "true")
        add(`${cluster}/dledger/${bn}`, `DLedger group ${bn}`, "dledger", c.key);
      else if (props.enableControllerMode === "true")
        add(`${cluster}/cset/${bn}`, `controller-mode set ${bn}`, "controller-set", c.key);
      else add(`${cluster}/pair/${bn}`, `master/slave set ${bn}`, "pair", c.key);
    }
    if (
      props.controllerDLegerGroup &&
      (props.enableControllerInNamesrv === "true" || c.labels["rocketmq.role"] === "controller")
    ) {
      add(
        `${cluster}/controllers/${props.controllerDLegerGroup}`,
        `controllers ${props.controllerDLegerGroup}`,
        "controllers",
        c.key,
      );
    }
  }
  return [...groups.values()].sort((a, b) => cmp(a.name, b.name));
}

function isMaster(c: Container | undefined): boolean {
  return c?.labels["rocketmq.brokerId"] === "0";
}

/** The impact of going from `before` to `after` (two synthesized cdk.tf.json documents of one stack). */
export function changeImpact(stack: string, before: any, after: any): StackImpact {
  const a = containersOf(before);
  const b = containersOf(after);
  const restarted: ProcessChange[] = [];
  const updatedInPlace: ProcessChange[] = [];
  const started: ProcessChange[] = [];
  const stopped: ProcessChange[] = [];
  const rocketmq = (c: Container) =>
    c.labels["rocketmq.role"] !== undefined && c.labels["rocketmq.role"] !== "store-init";
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const ca = a.get(key);
    const cb = b.get(key);
    const c = (cb ?? ca)!;
    if (!rocketmq(c)) continue;
    if (!ca) started.push({ ...describe(cb!), reasons: ["new"] });
    else if (!cb) stopped.push({ ...describe(ca), reasons: ["removed"] });
    else {
      const { replace, inPlace } = attributeChanges(ca, cb);
      if (replace.length) restarted.push({ ...describe(cb), reasons: [...replace, ...inPlace] });
      else if (inPlace.length) updatedInPlace.push({ ...describe(cb), reasons: inPlace });
    }
  }
  const volumes = (doc: any) =>
    new Map(
      Object.values<any>(doc?.resource?.docker_volume ?? {}).map((v) => [
        `${String(v.provider ?? "docker").replace(/^docker\./, "")}/${v.name}`,
        v,
      ]),
    );
  const va = volumes(before);
  const vb = volumes(after);
  const storesLost = [...va.keys()].filter((k) => !vb.has(k)).sort();

  const restartedKeys = new Set(restarted.map((r) => r.key));
  const groups: GroupImpact[] = groupsOf(b).map((g) => {
    const r = g.members.filter((m) => restartedKeys.has(m)).sort();
    if (g.kind === "pair") {
      const master = g.members.find((m) => isMaster(b.get(m)));
      return {
        group: g.name,
        kind: g.kind,
        members: g.members.sort(),
        restarted: r,
        needed: 1,
        keepsQuorum: !master || !restartedKeys.has(master),
      };
    }
    const needed = Math.floor(g.members.length / 2) + 1;
    return {
      group: g.name,
      kind: g.kind,
      members: g.members.sort(),
      restarted: r,
      needed,
      keepsQuorum: g.members.length - r.length >= needed,
    };
  });

  const addrs = (cs: Map<string, Container>) =>
    [
      ...new Set(
        [...cs.values()]
          .filter((c) => c.labels["rocketmq.role"] === "broker")
          .map((c) => parseProperties(Object.values(c.files)[0] ?? "").namesrvAddr ?? ""),
      ),
    ]
      .sort()
      .join(" | ");
  const nb = addrs(a);
  const na = addrs(b);
  const namesrvAddr = nb !== na && nb !== "" && na !== "" ? { before: nb, after: na } : undefined;

  const safe = waves(restarted, groups, b);
  const newNameServers = started.filter((r) => r.role === "namesrv" || r.role === "controller").map((r) => [r.name]);
  const addresses = Object.fromEntries([...restarted, ...started].map((r) => [r.name, r.address]));
  return {
    stack,
    restarted,
    updatedInPlace,
    started,
    stopped,
    storesLost,
    groups,
    namesrvAddr,
    waves: safe.length ? [...newNameServers, ...safe] : [],
    addresses,
  };
}

/**
 * Restart waves that keep every group working: within a raft group or controller-mode set at most
 * (members - majority) per wave; in a master/slave set the slaves before the master; name servers one at a time,
 * before the brokers.
 */
function waves(restarted: ProcessChange[], groups: GroupImpact[], after: Map<string, Container>): string[][] {
  const unsafe = groups.some((g) => !g.keepsQuorum) || restarted.filter((r) => r.role === "namesrv").length > 1;
  if (!unsafe) return [];
  const out: string[][] = [];
  const nameServers = restarted
    .filter((r) => r.role === "namesrv" || r.role === "controller")
    .map((r) => r.name)
    .sort();
  for (const n of nameServers) out.push([n]);
  const rest = restarted.filter((r) => r.role !== "namesrv" && r.role !== "controller");
  const remaining = new Set(rest.map((r) => r.key));
  const nameOf = new Map(rest.map((r) => [r.key, r.name]));
  while (remaining.size > 0) {
    const wave: string[] = [];
    for (const g of groups) {
      const pending = g.members.filter((m) => remaining.has(m));
      if (!pending.length) continue;
      const capacity = g.kind === "pair" ? pending.length : Math.max(1, g.members.length - g.needed);
      // slaves before the master
      const order = [...pending].sort(
        (x, y) => Number(isMaster(after.get(x))) - Number(isMaster(after.get(y))) || cmp(x, y),
      );
      const slaves = order.filter((m) => !isMaster(after.get(m)));
      const pick = g.kind === "pair" ? (slaves.length ? slaves : order) : order.slice(0, capacity);
      for (const m of pick) {
        wave.push(nameOf.get(m)!);
        remaining.delete(m);
      }
    }
    for (const k of [...remaining].filter((k) => !groups.some((g) => g.members.includes(k)))) {
      wave.push(nameOf.get(k)!);
      remaining.delete(k);
    }
    if (!wave.length) break;
    out.push(wave.sort());
  }
  return out;
}

/** The impact as Markdown, for a pull request or a terminal. */
export function renderImpact(impacts: readonly StackImpact[]): string {
  const out: string[] = ["# RocketMQ change impact", ""];
  for (const s of impacts) {
    out.push(`## Stack \`${s.stack}\``, "");
    const nothing =
      !s.restarted.length && !s.updatedInPlace.length && !s.started.length && !s.stopped.length && !s.storesLost.length;
    if (nothing) {
      out.push("No RocketMQ process restarts, starts or stops.", "");
      continue;
    }
    if (s.storesLost.length)
      out.push(
        `**Stores deleted or renamed** (their data is lost; the volumes' prevent_destroy stops such a plan): ${s.storesLost.map((v) => `\`${v}\``).join(", ")}`,
        "",
      );
    if (s.namesrvAddr) {
      out.push(
        `**The name servers change**: every broker's namesrvAddr goes from \`${s.namesrvAddr.before}\` to \`${s.namesrvAddr.after}\`, which rewrites its broker.properties and restarts it.`,
        "",
      );
    }
    const list = (title: string, items: readonly ProcessChange[]) => {
      if (!items.length) return;
      out.push(`### ${title} (${items.length})`, "");
      for (const r of items)
        out.push(
          `- \`${r.name}\` (${r.role}${r.brokerName ? ` ${r.brokerName}` : ""}, ${r.host}): ${r.reasons.join("; ")}`,
        );
      out.push("");
    };
    list("Restarted: container replaced", s.restarted);
    list("Updated in place, no restart", s.updatedInPlace);
    list("Started", s.started);
    list("Stopped and removed", s.stopped);
    const touched = s.groups.filter((g) => g.restarted.length);
    if (touched.length) {
      out.push(
        "### Groups, if these restarts happen at once",
        "",
        "| group | members | restarted | must stay up | keeps working |",
        "|---|---|---|---|---|",
      );
      for (const g of touched)
        out.push(
          `| ${g.group} | ${g.members.length} | ${g.restarted.length} | ${g.kind === "pair" ? "the master" : `${g.needed} (majority)`} | ${g.keepsQuorum ? "yes" : "**no**"} |`,
        );
      out.push("");
    }
    if (s.waves.length) {
      out.push("### Roll it out safely", "");
      out.push(
        "Applying everything at once stops a group or every name server together. Apply in waves (`tofu apply -target=docker_container.<id>`, or `cdktf deploy` after adding the processes of one wave at a time), and wait after each wave until every restarted broker is registered with every name server again (controller-mode replicas: back in the SyncStateSet):",
        "",
      );
      s.waves.forEach((w, i) =>
        out.push(`${i + 1}. ${w.map((n) => `\`${n}\` (\`-target=${s.addresses[n]}\`)`).join(", ")}`),
      );
      if (s.namesrvAddr)
        out.push(
          "",
          "A new name server starts first; give it to clients (their namesrvAddr) once every broker has registered with it.",
        );
      out.push("");
    }
  }
  return out.join("\n");
}
