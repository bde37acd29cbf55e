/**
 * The Docker target's half of the change report: reads two synthesized cdk.tf.json documents of a stack and says, per
 * RocketMQ process (its docker_container), what the change replaces and what it updates in place, and which store
 * volumes it deletes.
 *
 * What forces a replacement follows kreuzwerker/docker: every docker_container attribute the library writes is
 * ForceNew except `memory`, `memory_swap` and `restart` (updated in place); `depends_on`, `lifecycle` and cdktf's
 * metadata change nothing on the engine. Pure: no cdktf, no file system.
 */
import { fileChanges, ProcessDiff, ProcessSnapshot, StackChanges } from "../../core/changes";

/** Attributes whose change does not replace the container. */
const IN_PLACE = new Set(["memory", "memory_swap", "restart"]);
const NO_EFFECT = new Set(["//", "depends_on", "lifecycle", "provider", "count", "for_each"]);

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

/** The RocketMQ processes of a Docker stack before and after a change (two synthesized cdk.tf.json documents). */
export function dockerStackChanges(before: any, after: any): StackChanges {
  const a = containersOf(before);
  const b = containersOf(after);
  const diffs = new Map<string, ProcessDiff>();
  for (const [key, cb] of b) {
    const ca = a.get(key);
    if (!ca) continue;
    const d = attributeChanges(ca, cb);
    if (d.replace.length || d.inPlace.length) diffs.set(key, d);
  }
  const volumes = (doc: any) =>
    new Set(
      Object.values<any>(doc?.resource?.docker_volume ?? {}).map(
        (v) => `${String(v.provider ?? "docker").replace(/^docker\./, "")}/${v.name}`,
      ),
    );
  const va = volumes(before);
  const vb = volumes(after);
  return { before: snapshots(a), after: snapshots(b), diffs, storesLost: [...va].filter((k) => !vb.has(k)).sort() };
}

/** The server containers (not the one-shot store-init ones) as target-neutral snapshots. */
function snapshots(cs: Map<string, Container>): Map<string, ProcessSnapshot> {
  const out = new Map<string, ProcessSnapshot>();
  for (const c of cs.values()) {
    const role = c.labels["rocketmq.role"];
    if (role === undefined || role === "store-init") continue;
    out.set(c.key, {
      key: c.key,
      name: String(c.raw.name),
      address: `docker_container.${c.id}`,
      labels: c.labels,
      files: c.files,
    });
  }
  return out;
}
