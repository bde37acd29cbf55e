import { spawnSync } from "child_process";
import { TerraformStack, Testing } from "cdktf";
import * as path from "path";
import { Dashboard, DockerHost, NameServer, RocketMqCluster, topologyOf } from "../../lib";
import { DevStack, SeedControllerStack, SeedDLedgerStack, SeedSyncStack } from "../../examples/seed";

/** The ```mermaid blocks of a Markdown text. */
function diagrams(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]);
}

function parse(texts: string[]): string[] {
  const r = spawnSync(process.execPath, [path.join(__dirname, "parse-mermaid.mjs")], {
    input: JSON.stringify(texts),
    encoding: "utf8",
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`mermaid parser failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

test("every diagram of the topology reports parses with Mermaid's own parser", () => {
  const reports = [SeedSyncStack, SeedDLedgerStack, SeedControllerStack, DevStack].map((S) =>
    topologyOf(new S(Testing.app(), "s")),
  );
  const withConsole = new SeedControllerStack(Testing.app(), "c");
  new Dashboard(withConsole.node.findChild("rmq"), "console", {
    host: withConsole.node.findChild("h42") as DockerHost,
  });
  reports.push(topologyOf(withConsole));
  const texts = reports.flatMap(diagrams);
  expect(texts).toHaveLength(5);
  expect(parse(texts)).toEqual(texts.map(() => "ok"));
});

test("the parser really rejects a broken diagram (the check proves something)", () => {
  expect(parse(['flowchart LR\n  subgraph h0["x"\n  p0 -->\n'])[0]).toContain("Parse error");
});

test("labels with quotes are escaped", () => {
  const stack = new TerraformStack(Testing.app(), "q");
  const h = new DockerHost(stack, 'h"1', { address: "10.0.0.1" });
  const c = new RocketMqCluster(stack, "rmq");
  new NameServer(c, "ns", { host: h });
  expect(parse(diagrams(topologyOf(stack)))).toEqual(["ok"]);
});
