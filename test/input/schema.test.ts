/**
 * One schema per Props interface: the compiler holds each schema to its interface (these lines would not compile
 * otherwise: ts-jest type-checks them), and the unknown-prop check and its hint come from the schema's keys.
 */
import { TerraformStack, Testing } from "cdktf";
import { DockerHost, NameServer, NameServerProps, RocketMqCluster } from "../../lib";
import { PropsReader } from "../../lib/input/reader";
import { field, readProps, Schema } from "../../lib/input/schema";

interface Example {
  readonly listenPort?: number;
  readonly name: string;
}

describe("Schema<P>", () => {
  test("a schema must name every prop of its interface, and no other (checked by the compiler)", () => {
    // @ts-expect-error a schema that misses a prop does not compile
    const missing: Schema<Example> = { listenPort: field.port(10911) };
    const port = field.port(10911);
    const name = field.name("a");
    // @ts-expect-error a schema that invents a prop does not compile
    const invented: Schema<Example> = { listenPort: port, name, lisenPort: port };
    // @ts-expect-error a prop read as the wrong type does not compile
    const wrongType: Schema<Example> = { listenPort: field.name("a"), name: field.name("a") };
    expect([missing, invented, wrongType]).toHaveLength(3);
  });

  test("reads what it declares, refuses an unknown prop with the closest name, derived from its keys", () => {
    const schema: Schema<Example> = { listenPort: field.port(10911), name: field.name("a") };
    const r = new PropsReader("x");
    const read = readProps(schema, { name: "a", lisenPort: 1 }, r, { scope: undefined });
    expect(read).toEqual({ name: "a" });
    expect(r.findings.map((f) => `[${f.rule}] ${f.message} Fix: ${f.fix}`)).toEqual([
      "[props/unknown] lisenPort is not a prop of this construct and would be ignored. Did you mean listenPort? Its props are listenPort, name. Fix: Rename lisenPort to listenPort.",
    ]);
  });

  test("a NameServer's props list, in messages, is its schema's: every prop of NameServerProps", () => {
    const s = new TerraformStack(Testing.app(), "s");
    const h = new DockerHost(s, "h", { address: "10.0.0.1" });
    const props: NameServerProps & { listenPrt: number } = { host: h, listenPrt: 9876 };
    new NameServer(new RocketMqCluster(s, "rmq"), "ns", props);
    const msg = s.node.findChild("rmq").node.findChild("ns").node.validate().join("\n");
    expect(msg).toContain(
      "listenPrt is not a prop of this construct and would be ignored. Did you mean listenPort? Its props are host, containerName, jvm, properties, store, listenPort.",
    );
  });
});
