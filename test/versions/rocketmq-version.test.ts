/** RocketMqVersion: one constant per release with a key catalogue, of(), atLeast(), and the string form for untyped callers. */
import { TerraformStack, Testing } from "cdktf";
import { DockerHost, NameServer, RocketMqCluster, RocketMqVersion } from "../../lib";
import { SUPPORTED_VERSIONS } from "../../lib/core/versions";
import { synthError } from "../helpers";

describe("RocketMqVersion", () => {
  test("has exactly one constant per supported release, named V<major>_<minor>_<patch>, in order", () => {
    const constants = Object.entries(RocketMqVersion)
      .filter(([name]) => /^V\d+_\d+_\d+$/.test(name))
      .map(([name, v]) => [name, (v as RocketMqVersion).version]);
    expect(constants).toEqual(SUPPORTED_VERSIONS.map((v) => [`V${v.replace(/\./g, "_")}`, v]));
    expect(RocketMqVersion.supported().map((v) => v.version)).toEqual([...SUPPORTED_VERSIONS]);
  });

  test("of() returns the constant of a supported release, and a version refused at synth for any other", () => {
    expect(RocketMqVersion.of("5.5.0")).toBe(RocketMqVersion.V5_5_0);
    expect(RocketMqVersion.of("5.5").isSupported).toBe(false);
    expect(RocketMqVersion.of("5.5").problem()).toContain('Malformed RocketMQ version "5.5"');
    expect(RocketMqVersion.of("5.5").closestSupported()).toEqual(["5.5.0", "5.5.1"]);
    expect(RocketMqVersion.V5_5_0.problem()).toBeUndefined();
  });

  test("atLeast() compares releases, and is false for a malformed one", () => {
    expect(RocketMqVersion.V5_3_3.atLeast(RocketMqVersion.V5_0_0)).toBe(true);
    expect(RocketMqVersion.V4_9_8.atLeast(RocketMqVersion.V5_0_0)).toBe(false);
    expect(RocketMqVersion.V5_0_0.atLeast(RocketMqVersion.V5_0_0)).toBe(true);
    expect(RocketMqVersion.of("latest").atLeast(RocketMqVersion.V4_5_0)).toBe(false);
  });

  test("the default is 5.5.0, and a cluster's version and default image follow it", () => {
    const s = new TerraformStack(Testing.app(), "s");
    const cluster = new RocketMqCluster(s, "rmq");
    expect(cluster.version).toBe(RocketMqVersion.DEFAULT);
    expect(RocketMqVersion.DEFAULT.version).toBe("5.5.0");
    expect(cluster.image).toBe("apache/rocketmq:5.5.0");
    expect(String(cluster.version)).toBe("5.5.0");
  });
});

describe("a cluster's version from untyped callers (JavaScript, JSON)", () => {
  const withVersion = (version: unknown) =>
    synthError((s) => {
      const h = new DockerHost(s, "h1", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version } as never);
      new NameServer(cluster, "ns", { host: h });
    });

  test('"5.5" is refused at synth, on the cluster, naming both 5.5 releases', () => {
    const msg = withVersion("5.5");
    expect(msg).toContain('[stack/rmq] [versions/unknown] Malformed RocketMQ version "5.5"');
    expect(msg).toContain(
      'Fix: Set the cluster\'s `version` to RocketMqVersion.V5_5_0 or RocketMqVersion.V5_5_1 (the closest supported versions; in JavaScript or JSON "5.5.0" or "5.5.1").',
    );
  });

  test("a supported string is accepted as that release", () => {
    const s = new TerraformStack(Testing.app(), "s");
    expect(new RocketMqCluster(s, "rmq", { version: "4.9.8" } as never).version).toBe(RocketMqVersion.V4_9_8);
  });

  test("a number is a props/type error with the spelling for both kinds of caller", () => {
    expect(withVersion(5)).toContain(
      '[stack/rmq] [props/type] version is a number, not a RocketMqVersion. Fix: Set version: RocketMqVersion.V5_5_0 (in JavaScript or JSON: "5.5.0").',
    );
  });
});
