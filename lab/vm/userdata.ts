// Input of the VM lab: the user-data documents of a synthesized stack (its `<host>_userData` outputs), read as a user's
// VM resource receives them, and the RocketMQ processes they declare (one systemd unit each), seen by the shared
// checks as the lab's Container records.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Container, Stack, resolveVariables } from "../stack";

export interface WriteFile {
  path: string;
  content: string;
  owner?: string;
  permissions?: string;
  defer?: boolean;
}

export interface VmUnit {
  /** rocketmq-<name>.service */
  unit: string;
  /** The unit's keys (`X-RocketMQ-Host`, `ExecStart`, ...); repeated keys joined by a newline. */
  keys: Record<string, string>;
  container: Container;
}

export interface VmDoc {
  /** The output's name without `_userData` (the VmHost's id path). */
  id: string;
  text: string;
  doc: any;
  files: WriteFile[];
  units: VmUnit[];
  /** The VM's address (X-RocketMQ-Host of its units). */
  address: string;
  /** The stack's variables its document refers to (its secrets), and whether its output is marked sensitive. */
  variables: string[];
  sensitive: boolean;
}

/**
 * What Terraform makes of a string of its JSON syntax, read here independently of the library: every string is a
 * template, where `$${` is a literal `${` and `%%{` a literal `%{`. An unescaped `${...}` is an expression: a
 * reference to one of the stack's variables (a secret) becomes the lab's value for it as Terraform would put it
 * (`resolveVariables`, ../stack.ts); any other expression, or a `%{` directive, is an error here.
 */
export function terraformString(
  text: string,
  values: Readonly<Record<string, string>> = {},
  what = "user-data",
): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      out += `${text[i]}{`;
      i += 3;
    } else if (text.startsWith("${", i) && text.indexOf("}", i) > 0) {
      const end = text.indexOf("}", i) + 1;
      out += resolveVariables(text.slice(i, end), values, what);
      i = end;
    } else if (text.startsWith("${", i) || text.startsWith("%{", i)) {
      throw new Error(`a Terraform template expression at ${JSON.stringify(text.slice(i, i + 40))}: not literal text`);
    } else {
      out += text[i++];
    }
  }
  return out;
}

export function unitKeys(unit: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of unit.split("\n")) {
    const m = /^([A-Za-z-]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = out[m[1]] === undefined ? m[2] : `${out[m[1]]}\n${m[2]}`;
  }
  return out;
}

/**
 * The VMs of a synthesized stack (those whose document runs at least one unit). `values`: the lab's values of the
 * stack's variables (pickValues); every expression of a document must resolve with them (its secrets), or reading fails.
 */
export function readVmStack(
  outDir: string,
  name: string,
  values: Readonly<Record<string, string>> = {},
): { stack: Stack; vms: VmDoc[]; json: any } {
  const file = path.join(outDir, "stacks", name, "cdk.tf.json");
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  const vms: VmDoc[] = [];
  for (const [id, o] of Object.entries<any>(json.output ?? {})) {
    if (!id.endsWith("_userData")) continue;
    // The JSON string is a Terraform template: what the VM receives has `$${` as `${`.
    const raw = String(o.value);
    const text = terraformString(raw, values, `${name} output ${id}`);
    const variables = [
      ...new Set([...raw.matchAll(/(?<!\$)\$\{(?:jsonencode\()?var\.([A-Za-z0-9_-]+)/g)].map((m) => m[1])),
    ].sort();
    const doc = parse(text);
    const files: WriteFile[] = doc.write_files ?? [];
    const units: VmUnit[] = [];
    for (const f of files.filter((x) => /^\/etc\/systemd\/system\/rocketmq-.*\.service$/.test(x.path))) {
      const keys = unitKeys(f.content);
      const unit = path.posix.basename(f.path);
      // ExecStart=/bin/sh <home>/bin/mqbroker -c <file>: the script and its arguments, as a container's command.
      const command = keys.ExecStart.split(" ").slice(1);
      // Its uploads: the files it is started with (-c), then the others of their folder (plain_acl.yml), as a container's.
      const named = files.filter((x) => command.includes(x.path));
      const folders = new Set(named.map((x) => path.posix.dirname(x.path)));
      const uploads = [...named, ...files.filter((x) => !named.includes(x) && folders.has(path.posix.dirname(x.path)))]
        .filter((x) => !x.path.startsWith("/etc/systemd/"))
        .map((x) => ({ file: x.path, content: x.content }));
      const container: Container = {
        id: unit,
        name: unit.replace(/^rocketmq-/, "").replace(/\.service$/, ""),
        role: keys["X-RocketMQ-Role"],
        host: keys["X-RocketMQ-Host"],
        cluster: keys["X-RocketMQ-Cluster"],
        version: keys["X-RocketMQ-Version"],
        command,
        env: {},
        uploads,
        volumes: [],
        ports: [],
        dependsOn: [],
        raw: f.content,
      };
      units.push({ unit, keys, container });
    }
    const addresses = [...new Set(units.map((u) => u.container.host))];
    if (addresses.length > 1) throw new Error(`${id}: units of several hosts (${addresses.join(", ")})`);
    if (units.length > 0)
      vms.push({
        id: id.slice(0, -"_userData".length),
        text,
        doc,
        files,
        units,
        address: addresses[0],
        variables,
        sensitive: o.sensitive === true,
      });
  }
  return {
    stack: { name, file, containers: vms.flatMap((v) => v.units.map((u) => u.container)), dashboards: [] },
    vms,
    json,
  };
}
