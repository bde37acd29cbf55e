/**
 * The Docker target's half of the change report: reads two synthesized cdk.tf.json documents of a stack and says, per
 * RocketMQ process (its docker_container), what the change replaces and what it updates in place, and which store
 * volumes it deletes.
 *
 * What forces a replacement follows kreuzwerker/docker: every docker_container attribute the library writes is
 * ForceNew except `memory`, `memory_swap` and `restart` (updated in place); `depends_on`, `lifecycle` and cdktf's
 * metadata change nothing on the engine. Pure: no cdktf, no file system.
 */
import {
  filesChanges,
  OtherChange,
  ProcessSnapshot,
  processDiffs,
  serverProperties,
  StackChanges,
  withoutSecrets,
} from "../../core/changes";
import { filesFromInit, INIT_ROLES, LOGS_OF_LABEL } from "./container-spec";

/** Attributes whose change does not replace the container. */
const IN_PLACE = new Set(["memory", "memory_swap", "restart"]);
const NO_EFFECT = new Set(["//", "depends_on", "lifecycle", "provider", "count", "for_each"]);

/** The parts of a synthesized cdk.tf.json this reader reads: untyped JSON, each value checked where it is read. */
interface TfDocument {
  readonly resource?: {
    readonly docker_container?: Readonly<Record<string, TfAttributes>>;
    readonly docker_volume?: Readonly<Record<string, TfAttributes>>;
  };
}
type TfAttributes = Readonly<Record<string, unknown>>;

interface Container {
  readonly id: string;
  readonly key: string;
  /** The container's attributes, store volumes by their literal names. */
  readonly raw: TfAttributes;
  readonly labels: Record<string, string>;
  readonly files: Record<string, string>;
}

/** The elements of an attribute that is a list of blocks (labels, upload, volumes, ports). */
function blocks(value: unknown): TfAttributes[] {
  return Array.isArray(value) ? value.filter((v): v is TfAttributes => typeof v === "object" && v !== null) : [];
}

const text = (v: unknown): string =>
  typeof v === "string" ? v : v === undefined || v === null ? "" : JSON.stringify(v);

function labelsOf(raw: TfAttributes): Record<string, string> {
  const out: Record<string, string> = {};
  for (const l of blocks(raw.labels)) out[text(l.label)] = text(l.value);
  return out;
}

/** `<provider alias>/<name>`: the key of a container or volume across two outputs. */
function keyOf(raw: TfAttributes): string {
  return `${text(raw.provider ?? "docker").replace(/^docker\./, "")}/${text(raw.name)}`;
}

function containersOf(doc: TfDocument): Map<string, Container> {
  const out = new Map<string, Container>();
  const all = doc.resource?.docker_container ?? {};
  for (const [id, own] of Object.entries(all)) {
    const raw = withInitFiles(all, own);
    const files: Record<string, string> = {};
    for (const u of blocks(raw.upload)) files[text(u.file)] = text(u.content);
    const key = keyOf(raw);
    out.set(key, { id, key, raw: resolveVolumes(doc, raw), labels: labelsOf(raw), files });
  }
  return out;
}

/**
 * A server on a read-only root mounts its files from its init container (`volumes_from` by the init's id): read them
 * there, as if uploaded into the server, which is what they are to RocketMQ (and a changed file replaces both).
 */
function withInitFiles(all: Readonly<Record<string, TfAttributes>>, raw: TfAttributes): TfAttributes {
  const id = filesFromInit(raw.volumes);
  const init = id === undefined ? undefined : all[id];
  return init?.upload === undefined ? raw : { ...raw, upload: init.upload };
}

/** `${docker_volume.x.name}` → the volume's literal name, so that a renamed volume shows as a change. */
function resolveVolumes(doc: TfDocument, raw: TfAttributes): TfAttributes {
  if (!raw.volumes) return raw;
  const volumes = blocks(raw.volumes).map((v) => {
    const m = /^\$\{docker_volume\.([^.}]+)\.name\}$/.exec(text(v.volume_name));
    return m ? { ...v, volume_name: doc.resource?.docker_volume?.[m[1]]?.name ?? v.volume_name } : v;
  });
  return { ...raw, volumes };
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
      replace.push(...filesChanges(a.files, b.files));
    } else if (k === "env") {
      const ea = new Set((Array.isArray(va) ? va : []).map(text));
      const eb = new Set((Array.isArray(vb) ? vb : []).map(text));
      for (const e of [...ea].filter((x) => !eb.has(x)).sort())
        replace.push(
          `env ${e.split("=")[0]}: ${e.slice(e.indexOf("=") + 1)} -> ${[...eb].find((x) => x.startsWith(e.split("=")[0] + "="))?.slice(e.indexOf("=") + 1) ?? "(unset)"}`,
        );
      for (const e of [...eb]
        .filter((x) => !ea.has(x) && ![...ea].some((y) => y.split("=")[0] === x.split("=")[0]))
        .sort())
        replace.push(`env ${e} added`);
    } else if (k === "ports") {
      const external = (v: unknown) =>
        blocks(v)
          .map((p) => Number(p.external))
          .sort((x, y) => x - y);
      const pa = external(va);
      const pb = external(vb);
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
  // Nothing the report prints shows a secret (the console's secretKey in its JAVA_OPTS).
  return { replace: replace.map(withoutSecrets), inPlace: inPlace.map(withoutSecrets) };
}

/** The RocketMQ processes of a Docker stack before and after a change (two synthesized cdk.tf.json documents). */
export function dockerStackChanges(before: unknown, after: unknown): StackChanges {
  const docA = document(before);
  const docB = document(after);
  const a = containersOf(docA);
  const b = containersOf(docB);
  const diffs = processDiffs(a, b, attributeChanges);
  // The stores: a logs volume (labelled with the container whose logs it holds) is not one.
  const volumes = (doc: TfDocument) =>
    new Set(
      Object.values(doc.resource?.docker_volume ?? {})
        .filter((v) => labelsOf(v)[LOGS_OF_LABEL] === undefined)
        .map(keyOf),
    );
  const va = volumes(docA);
  const vb = volumes(docB);
  // The user's own containers (no role label: a client, an application) that the change replaces.
  const others: OtherChange[] = [];
  for (const [key, cb] of [...b].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))) {
    const ca = a.get(key);
    if (!ca || cb.labels["rocketmq.role"] !== undefined) continue;
    const d = attributeChanges(ca, cb);
    if (d.replace.length)
      others.push({ name: text(cb.raw.name), address: `docker_container.${cb.id}`, reasons: d.replace });
  }
  return {
    before: snapshots(a),
    after: snapshots(b),
    diffs,
    storesLost: [...va].filter((k) => !vb.has(k)).sort(),
    others,
  };
}

/** A parsed cdk.tf.json (anything else reads as an empty stack). */
function document(json: unknown): TfDocument {
  return typeof json === "object" && json !== null ? json : {};
}

/** What a broker mounts at its storePathRootDir: a volume (by its literal name) or a host directory. */
function storeOf(c: Container): string | undefined {
  const root = serverProperties(c.files).storePathRootDir;
  if (root === undefined) return undefined;
  const mount = blocks(c.raw.volumes).find((v) => text(v.container_path) === root.trim());
  if (mount === undefined) return `the container's own ${root.trim()} (no volume)`;
  return mount.volume_name !== undefined
    ? `volume ${text(mount.volume_name)}`
    : `host directory ${text(mount.host_path)}`;
}

/** The server containers (not the one-shot init ones) as target-neutral snapshots. */
function snapshots(cs: Map<string, Container>): Map<string, ProcessSnapshot> {
  const out = new Map<string, ProcessSnapshot>();
  for (const c of cs.values()) {
    const role = c.labels["rocketmq.role"];
    if (role === undefined || INIT_ROLES.includes(role)) continue;
    const store = storeOf(c);
    out.set(c.key, {
      key: c.key,
      name: text(c.raw.name),
      address: `docker_container.${c.id}`,
      labels: c.labels,
      files: c.files,
      ...(store !== undefined ? { store } : {}),
    });
  }
  return out;
}
