import { filesFromInit, INIT_ROLES } from "../lib/targets/docker/container-spec";
import { Testing, TerraformStack } from "cdktf";
import { parseProperties } from "../lib/core/render/properties";

/** Synthesizes a stack built by `build`, with the library's validations, as cdktf synth does. */
export function synth(build: (stack: TerraformStack) => void): any {
  const stack = new TerraformStack(Testing.app(), "stack");
  build(stack);
  return JSON.parse(Testing.synth(stack, true));
}

/** The Terraform JSON of a stack built by `build`, produced without the validations (what cdktf writes with skipValidation). */
export function synthWithoutValidation(build: (stack: TerraformStack) => void): any {
  const stack = new TerraformStack(Testing.app(), "stack");
  build(stack);
  return JSON.parse(Testing.synth(stack, false));
}

/** The validation error text of a stack that must not synthesize. */
export function synthError(build: (stack: TerraformStack) => void): string {
  const stack = new TerraformStack(Testing.app(), "stack");
  build(stack);
  try {
    Testing.synth(stack, true);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error("expected synth to fail, but it succeeded");
}

/** Warnings the library attached to constructs during a successful synth: `path: message`. */
export function synthWarnings(build: (stack: TerraformStack) => void): string[] {
  const stack = new TerraformStack(Testing.app(), "stack");
  build(stack);
  Testing.synth(stack, true);
  return stack.node
    .findAll()
    .flatMap((c) => c.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => `${c.node.path}: ${m.data}`));
}

/**
 * The RocketMQ server containers of a synthesized stack by container name (not the one-shot init ones). A server on a
 * read-only root gets its files from its init container (`volumes_from`): they are shown as its `upload`.
 */
export function containers(json: any): Record<string, any> {
  const all = json.resource?.docker_container ?? {};
  const out: Record<string, any> = {};
  for (const c of Object.values<any>(all))
    if (!INIT_ROLES.includes(roleOf(c) ?? "")) out[c.name] = withInitFiles(all, c);
  return out;
}

/** A server as its process sees its files: those its init container received, when it mounts them from there. */
export function withInitFiles(all: Record<string, any>, c: any): any {
  const id = filesFromInit(c.volumes);
  return id && all[id]?.upload ? { ...c, upload: all[id].upload } : c;
}

/**
 * The one-shot containers that hand each store (and logs volume) to the user RocketMQ runs as, by container name:
 * `<name>-store-init`, and `<name>-logs-init` for a process without a store (a proxy).
 */
export function storeInits(json: any): Record<string, any> {
  const out: Record<string, any> = {};
  for (const c of Object.values<any>(json.resource?.docker_container ?? {}))
    if (INIT_ROLES.includes(roleOf(c) ?? "")) out[c.name] = c;
  return out;
}

function roleOf(container: any): string | undefined {
  return (container.labels ?? []).find((l: any) => l.label === "rocketmq.role")?.value;
}

/** The properties file uploaded into a container, parsed. */
export function uploadedProperties(container: any): Record<string, string> {
  const files = container.upload as { file: string; content: string }[];
  if (files.length !== 1) throw new Error(`expected one file in ${container.name}`);
  return parseProperties(files[0].content);
}
