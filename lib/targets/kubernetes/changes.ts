/**
 * The Kubernetes target's half of the change report: reads the objects of two synthesized cdk.tf.json documents of a
 * stack (`kubectl_manifest` bodies, or the hashicorp provider's `kubernetes_manifest` objects) and says, per RocketMQ
 * process (its StatefulSet of one pod), what the change does.
 *
 * A pod copies its files at start, and its pod template carries their digest (and its Secret's revision), so every
 * change of its files, image, environment, resources or probes changes the pod template: Kubernetes replaces the pod
 * (a restart, on the same claim). A change of the StatefulSet's own fields (its annotations, its update strategy), of
 * a Service or of a budget updates them and restarts nothing. A changed claim template cannot be applied: Kubernetes
 * refuses to update a StatefulSet's `volumeClaimTemplates` (reported as a replacement with why). Claims outlive their
 * StatefulSets (retention `Retain`): no store is deleted; a process renamed starts on a new, empty claim. What the
 * Secret's values become is Terraform's (a variable's value): a new value rolls the pod at apply, and no report can
 * see it. Pure: no cdktf, no file system.
 */
import {
  filesChanges,
  ProcessDiff,
  processDiffs,
  ProcessSnapshot,
  StackChanges,
  withoutSecrets,
} from "../../core/changes";
import { fromTerraformLiteral } from "../terraform-text";
import { PROCESS_ANNOTATION_PREFIX } from "./manifests";

type Json = Readonly<Record<string, unknown>>;

/** One process as its objects show it. */
interface Process {
  readonly snapshot: ProcessSnapshot;
  /** Its StatefulSet's spec. */
  readonly spec: Json;
}

const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === "string" ? v : (JSON.stringify(v) ?? ""));

/**
 * A Terraform template string (a `kubectl_manifest` body) as text: each `${expression}` kept as written and each
 * `$${` / `%%{` as the literal it stands for. The expressions are read with their quotes and braces, so that the JSON
 * around them parses: a value Terraform fills in shows as the expression that fills it in.
 */
export function templateText(template: string): string {
  let out = "";
  let i = 0;
  while (i < template.length) {
    if (template.startsWith("$${", i) || template.startsWith("%%{", i)) {
      out += `${template[i]}{`;
      i += 3;
      continue;
    }
    if (!template.startsWith("${", i)) {
      out += template[i++];
      continue;
    }
    // An interpolation: up to its closing brace, past the strings (and their escapes) it holds.
    let depth = 0;
    let j = i + 1;
    let inString = false;
    for (; j < template.length; j++) {
      const c = template[j];
      if (inString) {
        if (c === "\\") j++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === "{") depth++;
      else if (c === "}" && --depth === 0) break;
    }
    // Written back as JSON string content: the expression's quotes and backslashes escaped.
    out += JSON.stringify(template.slice(i, j + 1)).slice(1, -1);
    i = j + 1;
  }
  return out;
}

/** Every object of a document the Kubernetes target applied, by resource id. */
function objectsOf(json: unknown): Map<string, Json> {
  const out = new Map<string, Json>();
  const resource = isObject(json) && isObject(json.resource) ? json.resource : {};
  const kubectl = isObject(resource.kubectl_manifest) ? resource.kubectl_manifest : {};
  for (const [id, r] of Object.entries(kubectl)) {
    if (!isObject(r) || typeof r.yaml_body !== "string") continue;
    try {
      const doc: unknown = JSON.parse(templateText(r.yaml_body));
      if (isObject(doc)) out.set(`kubectl_manifest.${id}`, doc);
    } catch {
      // A body this library did not write (YAML of the user's own): not a process of ours.
    }
  }
  const hashicorp = isObject(resource.kubernetes_manifest) ? resource.kubernetes_manifest : {};
  for (const [id, r] of Object.entries(hashicorp)) {
    if (!isObject(r) || !isObject(r.manifest)) continue;
    // Every string as the literal it stands for; a Secret's data are expressions, decoded where they are read.
    const { data, ...rest } = r.manifest;
    const secret = r.manifest.kind === "Secret";
    out.set(
      `kubernetes_manifest.${id}`,
      secret ? { ...(literalTree(rest) as Json), data } : (literalTree(r.manifest) as Json),
    );
  }
  return out;
}

/** A manifest object's strings (and keys) as the literals they stand for (`$${` is `${`). */
function literalTree(v: unknown): unknown {
  if (typeof v === "string") return fromTerraformLiteral(v);
  if (Array.isArray(v)) return v.map(literalTree);
  if (isObject(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [fromTerraformLiteral(k), literalTree(x)]));
  return v;
}

const metadataOf = (o: Json): Json => (isObject(o.metadata) ? o.metadata : {});
const nameOf = (o: Json): string => text(metadataOf(o).name);
const namespaceOf = (o: Json): string => text(metadataOf(o).namespace ?? "default");

/**
 * The text of `${base64encode(<template>)}`, the form the hashicorp provider's Secrets take (KubernetesApplier
 * KUBERNETES): a string literal, or `join("", [...])` of string literals and expressions, each expression kept as
 * `${expression}`. Undefined for any other form.
 */
export function encodedText(value: string): string | undefined {
  const m = /^\$\{base64encode\((.*)\)\}$/s.exec(value);
  if (!m) return undefined;
  const inner = m[1];
  const join = /^join\("", \[(.*)\]\)$/s.exec(inner);
  const items = join ? splitItems(join[1]) : [inner];
  return items.map((item) => (item.startsWith('"') ? stringLiteral(item) : `\${${item}}`)).join("");
}

/** The items of an expression list, split at its top-level commas (strings, brackets and calls kept whole). */
function splitItems(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (c === "," && depth === 0) {
      out.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  out.push(list.slice(start).trim());
  return out.filter((x) => x !== "");
}

/** A quoted Terraform string literal as its text: JSON's escapes, and `$${` / `%%{` for a literal `${` / `%{`. */
function stringLiteral(literal: string): string {
  try {
    return fromTerraformLiteral(JSON.parse(literal) as string);
  } catch {
    return literal;
  }
}

/** A Secret's files: `stringData`, or `data` that Terraform base64-encodes (the hashicorp provider). */
function secretFiles(o: Json): Record<string, string> {
  if (isObject(o.stringData)) return Object.fromEntries(Object.entries(o.stringData).map(([k, v]) => [k, text(v)]));
  const data = isObject(o.data) ? o.data : {};
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, encodedText(text(v)) ?? text(v)]));
}

/** The processes of a document: each StatefulSet this library made, with the files its pod reads. */
function processesOf(json: unknown): Map<string, Process> {
  const objects = [...objectsOf(json)];
  const byName = (kind: string, ns: string, name: string) =>
    objects.find(([, o]) => o.kind === kind && namespaceOf(o) === ns && nameOf(o) === name)?.[1];
  const out = new Map<string, Process>();
  for (const [address, o] of objects) {
    const annotations = metadataOf(o).annotations;
    if (o.kind !== "StatefulSet" || !isObject(annotations) || !isObject(o.spec)) continue;
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(annotations))
      if (k.startsWith(PROCESS_ANNOTATION_PREFIX))
        labels[`rocketmq.${k.slice(PROCESS_ANNOTATION_PREFIX.length)}`] = text(v);
    if (labels["rocketmq.role"] === undefined) continue;
    const ns = namespaceOf(o);
    const name = nameOf(o);
    const configMap = byName("ConfigMap", ns, `${name}-files`);
    const secret = byName("Secret", ns, `${name}-secret`);
    // The files by name (the ConfigMap's keys are file names; the init container puts each at its path).
    const files: Record<string, string> = {
      ...Object.fromEntries(
        Object.entries(isObject(configMap?.data) ? configMap.data : {}).map(([k, v]) => [k, text(v)]),
      ),
      ...(secret ? secretFiles(secret) : {}),
    };
    const claims = Array.isArray(o.spec.volumeClaimTemplates) ? o.spec.volumeClaimTemplates.length : 0;
    out.set(`${ns}/${name}`, {
      snapshot: {
        key: `${ns}/${name}`,
        name,
        address,
        labels,
        files,
        ...(labels["rocketmq.role"] === "broker" && claims > 0
          ? { store: `claim store-${name}-0 (namespace ${ns})` }
          : {}),
      },
      spec: o.spec,
    });
  }
  return out;
}

const show = (v: unknown): string => (v === undefined ? "(unset)" : typeof v === "string" ? v : JSON.stringify(v));

type Path = readonly (string | number)[];

/** The leaves of two values that differ, by path (into objects and arrays). */
function changedPaths(a: unknown, b: unknown, at: Path = [], out: Path[] = []): Path[] {
  if (JSON.stringify(a) === JSON.stringify(b)) return out;
  if (isObject(a) && isObject(b)) {
    for (const k of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort())
      changedPaths(a[k], b[k], [...at, k], out);
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((x, i) => changedPaths(x, b[i], [...at, i], out));
  } else out.push(at);
  return out;
}

function valueAt(v: unknown, path: Path): unknown {
  return path.reduce<unknown>(
    (x, k) => (typeof k === "number" ? (Array.isArray(x) ? x[k] : undefined) : isObject(x) ? x[k] : undefined),
    v,
  );
}

/** A path as a person reads it: `spec.containers[0].resources.limits.memory`; an environment entry by its name. */
function pathText(path: Path, v: unknown): string {
  const env = path.findIndex((k, i) => k === "env" && typeof path[i + 1] === "number");
  if (env >= 0) {
    const name = valueAt(v, [...path.slice(0, env + 2), "name"]);
    if (typeof name === "string") return `${pathText(path.slice(0, env), v)} env ${name}`;
  }
  return path.map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`)).join("");
}

/** The StatefulSet's spec without its pod template: what updates in place. */
function specWithoutTemplate(spec: Json): Json {
  return Object.fromEntries(Object.entries(spec).filter(([k]) => k !== "template"));
}

/** Why a process's pod is replaced, or what changes without a restart. */
function processChanges(a: Process, b: Process): ProcessDiff {
  const replace: string[] = [];
  const inPlace: string[] = [];
  replace.push(...filesChanges(a.snapshot.files, b.snapshot.files));
  const [ta, tb] = [a.spec.template, b.spec.template];
  for (const path of changedPaths(ta, tb)) {
    // The files' digest moves with the files, each said above by what changed in it.
    if (path.join("/") === "metadata/annotations/rocketmq.apache.org/start-digest") continue;
    const where = `pod template ${pathText(path, tb)}`;
    // A script (command, args) says nothing line by line; an environment value is shown without its secrets.
    replace.push(
      path.includes("command") || path.includes("args")
        ? `${where} changed`
        : `${where}: ${show(valueAt(ta, path))} -> ${show(valueAt(tb, path))}`,
    );
  }
  const [sa, sb] = [specWithoutTemplate(a.spec), specWithoutTemplate(b.spec)];
  for (const path of changedPaths(sa, sb)) {
    const where = `spec.${pathText(path, sb)}`;
    if (path[0] === "volumeClaimTemplates")
      replace.push(
        `${where} changed: Kubernetes refuses to update a StatefulSet's claim templates; delete the StatefulSet (its claim is kept) and apply again`,
      );
    else inPlace.push(`${where}: ${show(valueAt(sa, path))} -> ${show(valueAt(sb, path))}`);
  }
  return { replace: replace.map(withoutSecrets), inPlace: inPlace.map(withoutSecrets) };
}

/** The RocketMQ processes of a Kubernetes stack before and after a change (two synthesized cdk.tf.json documents). */
export function kubernetesStackChanges(before: unknown, after: unknown): StackChanges {
  const a = processesOf(before);
  const b = processesOf(after);
  const diffs = processDiffs(a, b, processChanges);
  const snapshots = (m: Map<string, Process>) => new Map([...m].map(([k, p]) => [k, p.snapshot]));
  return { before: snapshots(a), after: snapshots(b), diffs, storesLost: [] };
}
