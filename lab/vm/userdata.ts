// Input of the VM lab: the user-data documents of a synthesized stack (its `<host>_userData` outputs), read as a user's
// VM resource receives them, and the RocketMQ processes they declare (one systemd unit each), seen by the shared
// checks as the lab's Container records.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { Container, Stack } from "../stack";

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
}

/**
 * What Terraform makes of a string of its JSON syntax, read here independently of the library: every string is a
 * template, where `$${` is a literal `${` and `%%{` a literal `%{`. An unescaped `${` or `%{` would be an expression
 * for Terraform to evaluate; a user-data document of literal text holds none, so one is an error here.
 */
export function terraformString(text: string): string {
  let out = "";
  for (let i = 0; i < text.length;) {
    if (text.startsWith("$${", i) || text.startsWith("%%{", i)) {
      out += `${text[i]}{`;
      i += 3;
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

/** The VMs of a synthesized stack (those whose document runs at least one unit). */
export function readVmStack(outDir: string, name: string): { stack: Stack; vms: VmDoc[]; json: any } {
  const file = path.join(outDir, "stacks", name, "cdk.tf.json");
  const json = JSON.parse(fs.readFileSync(file, "utf8"));
  const vms: VmDoc[] = [];
  for (const [id, o] of Object.entries<any>(json.output ?? {})) {
    if (!id.endsWith("_userData")) continue;
    // The JSON string is a Terraform template: what the VM receives has `$${` as `${`.
    const text = terraformString(String(o.value));
    const doc = parse(text);
    const files: WriteFile[] = doc.write_files ?? [];
    const units: VmUnit[] = [];
    for (const f of files.filter((x) => /^\/etc\/systemd\/system\/rocketmq-.*\.service$/.test(x.path))) {
      const keys = unitKeys(f.content);
      const unit = path.posix.basename(f.path);
      // ExecStart=/bin/sh <home>/bin/mqbroker -c <file>: the script and its arguments, as a container's command.
      const command = keys.ExecStart.split(" ").slice(1);
      const uploads = files.filter((x) => command.includes(x.path)).map((x) => ({ file: x.path, content: x.content }));
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
      vms.push({ id: id.slice(0, -"_userData".length), text, doc, files, units, address: addresses[0] });
  }
  return {
    stack: { name, file, containers: vms.flatMap((v) => v.units.map((u) => u.container)), dashboards: [] },
    vms,
    json,
  };
}
