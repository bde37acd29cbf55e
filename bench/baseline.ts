/**
 * The baseline: cdktf alone. Declares, with the plain provider classes, exactly the resources the library
 * produced for the same topology (read from declarations made of the library's output, see
 * declarations.ts), at the same construct paths, with literal values, and synthesizes them like `cdktf synth`. Its output must
 * equal the library's byte for byte (the bench checks), so the ratio of the two runs is the library's own cost.
 *
 * node bench/.out/bench/baseline.js <declarations file> <outdir>
 */
import { container, provider, volume } from "@cdktf/provider-docker";
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import * as fs from "fs";
import { StringDecoder } from "string_decoder";
import { Declaration } from "./declarations";
import { printFigures } from "./figures";

const [input, outdir] = [process.argv[2], process.argv[3]];
let inputMs = 0;

/** The input, one declaration at a time (read in chunks: the whole file is never in memory). */
function* declarations(file: string): Generator<Declaration> {
  const fd = fs.openSync(file, "r");
  const buf = Buffer.alloc(1 << 20);
  const decoder = new StringDecoder("utf8");
  let rest = "";
  for (;;) {
    const t = performance.now();
    const n = fs.readSync(fd, buf, 0, buf.length, null);
    const lines = (rest + (n > 0 ? decoder.write(buf.subarray(0, n)) : decoder.end())).split("\n");
    rest = n > 0 ? lines.pop()! : "";
    const parsed = lines.filter((l) => l !== "").map((l) => JSON.parse(l) as Declaration);
    inputMs += performance.now() - t;
    yield* parsed;
    if (n === 0) break;
  }
  fs.closeSync(fd);
}

/** The stack, declared in its constructor as in cdktf's project template (as the library's bench stack). */
class BaselineStack extends TerraformStack {
  constructor(scope: Construct, id: string, input: string) {
    super(scope, id);
    const scopes = new Map<string, Construct>([["", this]]);
    const scopeOf = (path: string[]): Construct => {
      const key = path.join("/");
      let s = scopes.get(key);
      if (!s) {
        s = new Construct(scopeOf(path.slice(0, -1)), path[path.length - 1]);
        scopes.set(key, s);
      }
      return s;
    };
    const providers = new Map<string, provider.DockerProvider>();
    for (const d of declarations(input)) {
      if (d.k === "provider") {
        if (d.type !== "docker") throw new Error(`unexpected provider ${d.type}`);
        const p = new provider.DockerProvider(this, String(d.config.alias), d.config);
        providers.set(`docker.${p.alias}`, p);
      } else if (d.k === "resource") {
        const scope = scopeOf(d.path.slice(0, -1));
        const id = d.path[d.path.length - 1];
        const { dependsOn, provider: alias, ...rest } = d.config as { dependsOn?: string[]; provider: string };
        const config = { ...rest, provider: providers.get(alias) };
        const r =
          d.type === "docker_container"
            ? new container.Container(scope, id, config as container.ContainerConfig)
            : d.type === "docker_volume"
              ? new volume.Volume(scope, id, config)
              : undefined;
        if (!r) throw new Error(`unexpected resource type ${d.type}`);
        if (r.friendlyUniqueId !== d.id)
          throw new Error(`${d.path.join("/")}: logical id ${r.friendlyUniqueId}, the library's is ${d.id}`);
        r.dependsOn = dependsOn;
      } else {
        new TerraformOutput(
          scopeOf(d.path.slice(0, -1)),
          d.path[d.path.length - 1],
          d.config as { value: string },
        ).overrideLogicalId(d.id);
      }
    }
  }
}

const app = new App({ outdir });
new BaselineStack(app, "bench", input);
app.synth();
printFigures({ inputMs });
