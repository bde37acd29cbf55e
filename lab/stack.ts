// Input of the lab: the library's own synthesized output (cdk.tf.json), read as it is; the stack's Terraform
// variables (secrets) get values the lab picks, substituted as Terraform would.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { REPO_DIR, log, ms, run } from "./util";

export interface Upload {
  file: string;
  content: string;
}
export interface Volume {
  volume_name?: string;
  /** `volumes_from`: a container whose volumes this one mounts (a read-only root's init container). */
  from_container?: string;
  host_path?: string;
  container_path: string;
  read_only?: boolean;
}

export interface Container {
  id: string; // resource id in cdk.tf.json
  name: string;
  role: string; // rocketmq.role label
  host: string; // rocketmq.host label = the host's address
  cluster?: string;
  version: string; // rocketmq.version label
  image?: string;
  command: string[];
  env: Record<string, string>;
  uploads: Upload[];
  volumes: Volume[];
  ports: { internal: number; external?: number }[];
  memoryMiB?: number;
  dependsOn: string[];
  raw: any;
}

/**
 * containers: the RocketMQ servers (name servers, controllers, brokers, proxies); dashboards: the consoles (their
 * image is not RocketMQ's: the deploy lab runs a stand-in, the process lab none).
 */
export interface Stack {
  name: string;
  file: string;
  containers: Container[];
  dashboards: Container[];
}

/** Runs main.ts with CDKTF_OUTDIR=outDir (or uses ROCKETMQ_LAB_SYNTH_DIR when set); returns the outdir. */
export function synth(outDir: string): { dir: string; tookMs: number } {
  const preset = process.env.ROCKETMQ_LAB_SYNTH_DIR;
  if (preset) {
    log(`synth: using ROCKETMQ_LAB_SYNTH_DIR=${preset} (not synthesized by this run)`);
    return { dir: preset, tookMs: 0 };
  }
  const main = path.join(REPO_DIR, "main.ts");
  if (!fs.existsSync(main)) throw new Error(`${main} does not exist yet: nothing to synthesize`);
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const t = Date.now();
  log(`synth: CDKTF_OUTDIR=${outDir} npx ts-node --transpile-only main.ts`);
  run("npx", ["ts-node", "--transpile-only", "main.ts"], {
    cwd: REPO_DIR,
    env: { ...process.env, CDKTF_OUTDIR: outDir },
    timeoutMs: 300_000,
  });
  const tookMs = Date.now() - t;
  log(`synth: done in ${ms(tookMs)}; stacks: ${listStacks(outDir).join(", ")}`);
  return { dir: outDir, tookMs };
}

export function listStacks(outDir: string): string[] {
  const d = path.join(outDir, "stacks");
  return fs.existsSync(d)
    ? fs
        .readdirSync(d)
        .filter((s) => fs.existsSync(path.join(d, s, "cdk.tf.json")))
        .sort()
    : [];
}

/** The stacks with Docker containers (the deploy lab's); a stack of VMs only (VmHost user-data) is the VM lab's. */
export function listContainerStacks(outDir: string): string[] {
  return listStacks(outDir).filter(
    (s) =>
      Object.keys(
        JSON.parse(fs.readFileSync(path.join(outDir, "stacks", s, "cdk.tf.json"), "utf8"))?.resource
          ?.docker_container ?? {},
      ).length > 0,
  );
}

function labels(raw: any): Record<string, string> {
  const out: Record<string, string> = {};
  const l = raw.labels;
  if (Array.isArray(l)) for (const x of l) out[x.label] = String(x.value);
  else if (l && typeof l === "object") Object.assign(out, l);
  return out;
}

function envMap(raw: any): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of raw.env ?? []) {
    const i = String(e).indexOf("=");
    if (i > 0) out[String(e).slice(0, i)] = String(e).slice(i + 1);
  }
  return out;
}

export function parseContainer(id: string, raw: any): Container {
  const lb = labels(raw);
  const need = (k: string): string => {
    if (!lb[k]) throw new Error(`docker_container.${id}: label ${k} missing`);
    return lb[k];
  };
  const image: string | undefined = raw.image;
  const version = lb["rocketmq.version"] ?? (image && /:(\d+\.\d+\.\d+)/.exec(image)?.[1]);
  if (!version) throw new Error(`docker_container.${id}: no rocketmq.version label and no version in image ${image}`);
  return {
    id,
    name: raw.name ?? id,
    role: need("rocketmq.role"),
    host: need("rocketmq.host"),
    cluster: lb["rocketmq.cluster"],
    version,
    image,
    command: (raw.command ?? []).map(String),
    env: envMap(raw),
    uploads: (raw.upload ?? []).map((u: any) => ({ file: String(u.file), content: String(u.content ?? "") })),
    volumes: (raw.volumes ?? []).map((v: any) => ({ ...v })),
    ports: (raw.ports ?? []).map((p: any) => ({
      internal: Number(p.internal),
      external: p.external === undefined ? undefined : Number(p.external),
    })),
    memoryMiB: raw.memory === undefined ? undefined : Number(raw.memory),
    dependsOn: (raw.depends_on ?? []).map(String),
    raw,
  };
}

/** The names of the Terraform variables a synthesized stack declares (cdk.tf.json `variable`). */
export function stackVariables(outDir: string, name: string): string[] {
  const json = JSON.parse(fs.readFileSync(path.join(outDir, "stacks", name, "cdk.tf.json"), "utf8"));
  return Object.keys(json?.variable ?? {}).sort();
}

/**
 * A value for each variable, picked by the lab: 24 random hex characters (new every run; letters and digits only, so
 * that no shell, YAML or properties syntax touches it).
 */
export function pickValues(names: readonly string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, crypto.randomBytes(12).toString("hex")]));
}

/** The Terraform expressions the library writes around a variable, each evaluated as Terraform does. */
const EXPRESSIONS: { re: RegExp; apply: (value: string) => string }[] = [
  // a YAML/JSON scalar
  { re: /\$\{jsonencode\(var\.([A-Za-z0-9_-]+)\)\}/g, apply: (v) => JSON.stringify(v) },
  // a JSON string inside a properties value: its backslashes doubled
  {
    re: /\$\{replace\(jsonencode\(var\.([A-Za-z0-9_-]+)\), "\\\\", "\\\\\\\\"\)\}/g,
    apply: (v) => JSON.stringify(v).split("\\").join("\\\\"),
  },
  // a JSON string nested in a JSON string: encoded twice, without its outer quotes
  {
    re: /\$\{trimsuffix\(trimprefix\(jsonencode\(jsonencode\(var\.([A-Za-z0-9_-]+)\)\), "\\""\), "\\""\)\}/g,
    apply: (v) => JSON.stringify(JSON.stringify(v)).slice(1, -1),
  },
  // the value itself
  { re: /\$\{var\.([A-Za-z0-9_-]+)\}/g, apply: (v) => v },
];

/** The lab's values (of `values`) of the variables the stack declares: its secrets. */
export function stackValues(
  outDir: string,
  name: string,
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  return Object.fromEntries(stackVariables(outDir, name).map((v) => [v, values[v]]));
}

/** The names of the variables a synthesized stack declares `sensitive` (its secrets). */
export function sensitiveVariables(outDir: string, name: string): string[] {
  const json = JSON.parse(fs.readFileSync(path.join(outDir, "stacks", name, "cdk.tf.json"), "utf8"));
  return Object.entries<any>(json?.variable ?? {})
    .filter(([, v]) => v?.sensitive === true)
    .map(([k]) => k)
    .sort();
}

/** What a TLS file holds, by the `tls.properties` key that names it (RocketMQ's TlsSystemConfig). */
export type PemKind = "certificate" | "privateKey" | "trustCertificate";
const PEM_KEYS: Record<string, PemKind> = {
  "tls.server.certPath": "certificate",
  "tls.server.keyPath": "privateKey",
  "tls.server.trustCertPath": "trustCertificate",
  "tls.client.trustCertPath": "trustCertificate",
};

/**
 * The variables whose value is a whole PEM file of the stack, by what the stack declares: an upload whose content is
 * exactly `${var.X}`, at a path that the container's TLS properties file names as its certificate, key or CA.
 */
export function pemVariables(outDir: string, name: string): Record<string, PemKind> {
  const json = JSON.parse(fs.readFileSync(path.join(outDir, "stacks", name, "cdk.tf.json"), "utf8"));
  const out: Record<string, PemKind> = {};
  for (const raw of Object.values<any>(json?.resource?.docker_container ?? {})) {
    const uploads: { file: string; content: string }[] = (raw.upload ?? []).map((u: any) => ({
      file: String(u.file),
      content: String(u.content ?? ""),
    }));
    const named = new Map<string, PemKind>();
    for (const u of uploads.filter((x) => x.file.endsWith(".properties")))
      for (const [k, v] of Object.entries(parseProperties(u.content)))
        if (PEM_KEYS[k]) named.set(v.trim(), PEM_KEYS[k]);
    for (const u of uploads) {
      const m = /^\$\{var\.([A-Za-z0-9_-]+)\}$/.exec(u.content);
      const kind = named.get(u.file);
      if (m && kind) out[m[1]] = kind;
    }
  }
  return out;
}

/**
 * What finds a value in a text: the value itself, and for PEM text each line of its base64 body too (a file quoted in
 * JSON, a log that shows one line, a transcript that breaks it differently still gives one away).
 */
function needles(value: string): string[] {
  if (!value.includes("-----BEGIN ")) return [value];
  return [value, ...value.split("\n").filter((l) => /^[A-Za-z0-9+/=]{40,}$/.test(l))];
}

/** The variables (of `vars`) whose value is in the text: what a leak would name. Never the values themselves. */
export function secretsIn(text: string, vars: Readonly<Record<string, string>>): string[] {
  return Object.keys(vars).filter((k) => needles(vars[k]).some((n) => text.includes(n)));
}

/** "none" or "adminSecret, ordersSecret in <where>" for the notes. */
export function holds(what: string, found: string[], of: number): string {
  return `${what}: ${found.length ? `${found.length} of ${of} (${found.join(", ")})` : `none of ${of}`}`;
}

/**
 * The text with the lab's variable values put where Terraform puts them (`${jsonencode(var.X)}` becomes the value as
 * a JSON string, `${var.X}` the value itself, and the library's other expressions around a variable as Terraform
 * evaluates them), for the variables in `values` only; any other `${...}` left is an error.
 */
export function resolveVariables(text: string, values: Readonly<Record<string, string>>, what: string): string {
  let out = text;
  for (const { re, apply } of EXPRESSIONS)
    out = out.replace(re, (all, name: string) => (name in values ? apply(values[name]) : all));
  const left = /\$\{[^}]*\}/.exec(out);
  if (left)
    throw new Error(
      `${what}: ${left[0]} is not resolved (the lab gives values to: ${Object.keys(values).join(", ") || "no variable"})`,
    );
  return out;
}

/** Every string of the container's command, environment and uploaded files, with the variables resolved. */
function resolveContainer(c: Container, values: Readonly<Record<string, string>>): void {
  c.command = c.command.map((a, i) => resolveVariables(a, values, `${c.name} command[${i}]`));
  for (const [k, v] of Object.entries(c.env)) c.env[k] = resolveVariables(v, values, `${c.name} env ${k}`);
  for (const u of c.uploads) u.content = resolveVariables(u.content, values, `${c.name} file ${u.file}`);
}

/**
 * The stack's servers and consoles. `values`: the lab's values of the stack's variables (pickValues); every `${...}`
 * in a command, an environment variable or a file must resolve with them (secrets of the ACL file, the console's
 * key), or reading fails.
 */
export function readStack(outDir: string, name: string, values: Readonly<Record<string, string>> = {}): Stack {
  const file = path.join(outDir, "stacks", name, "cdk.tf.json");
  if (!fs.existsSync(file))
    throw new Error(`stack ${name} not in the synthesized output (${listStacks(outDir).join(", ") || "no stacks"})`);
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  const cs = json?.resource?.docker_container ?? {};
  // The one-shot init containers (chown of a store, of a logs volume) are Docker plumbing: the process lab runs the
  // servers only.
  const all = Object.entries(cs)
    .map(([id, raw]) => parseContainer(id, raw))
    .filter((c) => c.role !== "store-init" && c.role !== "logs-init");
  // A server on a read-only root mounts its files from its init container (volumes_from): they are its uploads.
  for (const c of all) {
    const from = c.volumes.find((v) => v.from_container !== undefined);
    if (!from) continue;
    const id = /^\$\{docker_container\.([^.}]+)\.id\}$/.exec(String(from.from_container))?.[1];
    const init = id === undefined ? undefined : cs[id];
    if (!init) throw new Error(`${c.name}: volumes_from ${from.from_container} names no init container of the stack`);
    c.uploads = parseContainer(id!, init).uploads;
    c.volumes = c.volumes.filter((v) => v !== from);
  }
  for (const c of all) resolveContainer(c, values);
  const containers = all.filter((c) => c.role !== "dashboard");
  const dashboards = all.filter((c) => c.role === "dashboard");
  for (const c of containers) {
    for (const v of c.volumes) {
      if (v.volume_name !== undefined) v.volume_name = resolveRef(json, String(v.volume_name), `${c.name} volume`);
      if (v.host_path !== undefined) v.host_path = resolveRef(json, String(v.host_path), `${c.name} host_path`);
    }
  }
  if (containers.length === 0) throw new Error(`${file}: no resource.docker_container`);
  return { name, file, containers, dashboards };
}

/** "${docker_volume.<id>.name}" (a Terraform reference as cdktf writes it) -> that resource's literal attribute. */
export function resolveRef(json: any, value: string, what: string): string {
  const m = /^\$\{([a-z0-9_]+)\.([^.}]+)\.([a-z0-9_]+)\}$/i.exec(value);
  if (!m) {
    if (value.includes("${")) throw new Error(`${what}: cannot resolve ${value}`);
    return value;
  }
  const v = json?.resource?.[m[1]]?.[m[2]]?.[m[3]];
  if (typeof v !== "string" || v.includes("${"))
    throw new Error(`${what}: ${value} does not resolve to a literal in the synthesized file`);
  return v;
}

/** Properties text (java.util.Properties subset: key=value / key: value, # and ! comments). Values keep trailing blanks. */
export function parseProperties(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line0 of text.split(/\r?\n/)) {
    const line = line0.replace(/^\s+/, "");
    if (!line || line.startsWith("#") || line.startsWith("!")) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) out[m[1]] = m[2];
    else out[line] = "";
  }
  return out;
}

export function setProperty(text: string, key: string, value: string): string {
  const re = new RegExp(`^(\\s*${key.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*[=:]).*$`, "m");
  return re.test(text) ? text.replace(re, `$1${value}`) : `${text.replace(/\n?$/, "\n")}${key}=${value}\n`;
}

/**
 * The -c file of a server container: the upload whose path follows the last "-c" in the command (a command wrapped in
 * `sh -c '...' sh mqbroker -c <file>` has the shell's first).
 */
export function configUpload(c: Container): Upload | undefined {
  const i = c.command.lastIndexOf("-c");
  const p = i >= 0 ? c.command[i + 1] : undefined;
  return c.uploads.find((u) => u.file === p) ?? (c.uploads.length === 1 ? c.uploads[0] : undefined);
}

export function configProps(c: Container): Record<string, string> {
  const u = configUpload(c);
  return u ? parseProperties(u.content) : {};
}

export function editConfig(c: Container, edits: Record<string, string>): void {
  const u = configUpload(c);
  if (!u) throw new Error(`${c.name}: no -c config upload to edit`);
  for (const [k, v] of Object.entries(edits)) u.content = setProperty(u.content, k, v);
}
