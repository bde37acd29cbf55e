/**
 * TLS in transit, as a user declares it on a cluster: the mode and the TLS switches as JVM system properties (the only
 * place RocketMQ reads them), the library's own tls.properties with test mode off, the certificate and key uploaded
 * (the key from a sensitive variable, never in a report or a message) or read from the hosts, the proxy's and the
 * console's own switches, both targets, and the mistakes that would not start or not protect.
 */
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { parse } from "yaml";
import {
  BrokerPair,
  Dashboard,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Proxy,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
  TlsMode,
  TlsProps,
  topologyOf,
  VmHost,
} from "../../lib";
import { SECURED_TLS, SeedSecuredStack } from "../../examples/seed";
import { parseProperties } from "../../lib/core/render/properties";
import { changeImpact, renderImpact } from "../../lib/report/impact";
import { dockerStackChanges } from "../../lib/targets/docker/changes";
import { containers, synth, synthError, synthWarnings } from "../helpers";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIBsjCCAVigAwIBAgIUcert\n-----END CERTIFICATE-----\n";
const CA = "-----BEGIN CERTIFICATE-----\nMIIBsjCCAVigAwIBAgIUca\n-----END CERTIFICATE-----\n";
const LITERAL_KEY = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49literalkey\n-----END PRIVATE KEY-----\n";

/** A SYNC master and its slave on 4.9.8 (or `version`), a name server, TLS as given (key from a sensitive variable). */
function tlsCluster(
  s: TerraformStack,
  tls: (key: string) => Partial<TlsProps>,
  o: { version?: RocketMqVersion; proxy?: boolean; dashboard?: boolean } = {},
) {
  const key = new TerraformVariable(s, "tlsKey", { type: "string", sensitive: true }).stringValue;
  const [h1, h2] = [1, 2].map(
    (n) => new DockerHost(s, `h${n}`, { address: `10.0.0.${n}`, dockerHost: `ssh://ops@10.0.0.${n}` }),
  );
  const cluster = new RocketMqCluster(s, "rmq", {
    version: o.version ?? RocketMqVersion.V4_9_8,
    tls: { mode: TlsMode.ENFORCING, ...tls(key) },
  });
  new NameServer(cluster, "ns1", { host: h1 });
  new BrokerPair(cluster, "broker-a", {
    replication: Replication.SYNC,
    master: { host: h1 },
    slaves: [{ host: h2, listenPort: 11911 }],
  });
  if (o.proxy) new Proxy(cluster, "proxy", { host: h2 });
  if (o.dashboard) new Dashboard(cluster, "console", { host: h2 });
  return cluster;
}

const withText = (key: string): Partial<TlsProps> => ({ certificate: CERT, privateKey: key, trustCertificate: CA });
const fileOf = (c: any, name: string) => (c.upload as any[]).find((u) => u.file.endsWith(name))?.content as string;
const javaOptExt = (c: any) =>
  (c.env as string[]).find((e) => e.startsWith("JAVA_OPT_EXT="))!.slice("JAVA_OPT_EXT=".length);

describe("TLS enforcing on every server: JVM system properties and the library's own tls.properties", () => {
  const json = synth((s) => tlsCluster(s, withText, { dashboard: true }));
  const servers = ["defaultcluster-namesrv-ns1", "defaultcluster-broker-a-0", "defaultcluster-broker-a-1"].map(
    (n) => containers(json)[n],
  );

  test("the mode, tls.enable (the members are each other's clients) and the file, in JAVA_OPT_EXT of every server", () => {
    for (const c of servers)
      expect(javaOptExt(c)).toContain(
        "-Dtls.server.mode=enforcing -Dtls.enable=true -Dtls.config.file=/home/rocketmq/conf/tls/tls.properties",
      );
  });

  test("tls.properties turns test mode off and names the uploaded certificate, key and CA", () => {
    for (const c of servers)
      expect(parseProperties(fileOf(c, "tls.properties"))).toEqual({
        "tls.test.mode.enable": "false",
        "tls.server.need.client.auth": "none",
        "tls.server.authClient": "false",
        "tls.server.certPath": "/home/rocketmq/conf/tls/server.crt",
        "tls.server.keyPath": "/home/rocketmq/conf/tls/server.key",
        "tls.client.authServer": "true",
        "tls.client.trustCertPath": "/home/rocketmq/conf/tls/ca.crt",
        "tls.server.trustCertPath": "/home/rocketmq/conf/tls/ca.crt",
      });
  });

  test("the PEM files are uploaded beside it; the key is the sensitive variable's expression, not a value", () => {
    const broker = servers[1];
    expect(fileOf(broker, "server.crt")).toBe(CERT);
    expect(fileOf(broker, "ca.crt")).toBe(CA);
    expect(fileOf(broker, "server.key")).toBe("${var.tlsKey}");
    expect(json.variable.tlsKey.sensitive).toBe(true);
  });

  test("nothing TLS goes into broker.properties (RocketMQ ignores tls.* there)", () => {
    for (const c of servers) expect(fileOf(c, ".properties")).not.toContain("tls.");
  });

  test("the console connects with TLS (rocketmq.config.useTLS)", () => {
    const opts = (containers(json)["defaultcluster-dashboard-console"].env as string[]).find((e) =>
      e.startsWith("JAVA_OPTS="),
    )!;
    expect(opts).toContain("-Drocketmq.config.useTLS=true");
  });

  test("without a tls prop nothing changes: no -Dtls.*, no TLS file", () => {
    const plain = synth((s) => {
      const h = new DockerHost(s, "h1", { address: "10.0.0.1", dockerHost: "ssh://ops@10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns1", { host: h });
    });
    const ns = containers(plain)["defaultcluster-namesrv-ns1"];
    expect(javaOptExt(ns)).not.toContain("tls");
    expect(ns.upload).toHaveLength(1);
  });

  test("permissive: the mode says so, the members still speak TLS to each other", () => {
    const p = synth((s) => tlsCluster(s, (key) => ({ ...withText(key), mode: TlsMode.PERMISSIVE })));
    expect(javaOptExt(containers(p)["defaultcluster-broker-a-0"])).toContain(
      "-Dtls.server.mode=permissive -Dtls.enable=true",
    );
  });

  test("disabled: only -Dtls.server.mode=disabled, no file, no tls.enable", () => {
    const d = synth((s) => tlsCluster(s, () => ({ mode: TlsMode.DISABLED })));
    const broker = containers(d)["defaultcluster-broker-a-0"];
    expect(javaOptExt(broker)).toMatch(/-Dtls\.server\.mode=disabled$/);
    expect(broker.upload).toHaveLength(1);
  });
});

describe("certificate files already on the hosts", () => {
  const json = synth((s) =>
    tlsCluster(s, () => ({
      certificateFile: "/etc/rocketmq-tls/server.crt",
      privateKeyFile: "/etc/rocketmq-tls/server.key",
      trustCertificateFile: "/etc/rocketmq-tls/ca.crt",
    })),
  );
  const broker = containers(json)["defaultcluster-broker-a-0"];

  test("each is mounted read-only at its own path and named in tls.properties; nothing is uploaded but the file", () => {
    expect(broker.volumes.filter((v: any) => v.read_only && v.host_path !== undefined)).toEqual(
      ["ca.crt", "server.crt", "server.key"].map((f) => ({
        container_path: `/etc/rocketmq-tls/${f}`,
        host_path: `/etc/rocketmq-tls/${f}`,
        read_only: true,
      })),
    );
    const props = parseProperties(fileOf(broker, "tls.properties"));
    expect(props["tls.server.keyPath"]).toBe("/etc/rocketmq-tls/server.key");
    expect(props["tls.client.trustCertPath"]).toBe("/etc/rocketmq-tls/ca.crt");
    expect((broker.upload as any[]).map((u) => u.file)).toEqual([
      "/home/rocketmq/conf/broker.properties",
      "/home/rocketmq/conf/tls/tls.properties",
    ]);
  });

  test("the store-init container (root, no network) does not get them", () => {
    const init = Object.values<any>(json.resource.docker_container).find((c) => c.name.endsWith("-store-init"));
    expect(JSON.stringify(init.volumes ?? [])).not.toContain("rocketmq-tls");
  });
});

describe("the proxy (5.x): rmq-proxy.json's own TLS keys for its gRPC port", () => {
  test("test mode off and the cluster's certificate and key", () => {
    const json = synth((s) => tlsCluster(s, withText, { version: RocketMqVersion.V5_3_3, proxy: true }));
    const proxy = containers(json)["defaultcluster-proxy-proxy"];
    const conf = JSON.parse(fileOf(proxy, "rmq-proxy.json"));
    expect(conf).toMatchObject({
      tlsTestModeEnable: false,
      tlsCertPath: "/home/rocketmq/conf/tls/server.crt",
      tlsKeyPath: "/home/rocketmq/conf/tls/server.key",
    });
    expect(javaOptExt(proxy)).toContain("-Dtls.server.mode=enforcing -Dtls.enable=true");
  });

  test("a proxy property that would fight the cluster's is refused", () => {
    const msg = synthError((s) => {
      const c = tlsCluster(s, withText, { version: RocketMqVersion.V5_3_3 });
      new Proxy(c, "p2", {
        host: new DockerHost(s, "h3", { address: "10.0.0.3", dockerHost: "ssh://ops@10.0.0.3" }),
        properties: { tlsTestModeEnable: true },
      });
    });
    expect(msg).toContain("[stack/rmq/p2] [tls/proxy-keys] the proxy sets tlsTestModeEnable");
  });
});

describe("secrets: the private key is never shown", () => {
  test("a literal key is warned about where declared, without its value", () => {
    const warnings = synthWarnings((s) => tlsCluster(s, () => withText(LITERAL_KEY)));
    const literal = warnings.filter((w) => w.includes("[secrets/literal]"));
    expect(literal).toEqual([
      expect.stringContaining("stack/rmq: [secrets/literal] tls.privateKey is a literal string"),
    ]);
    expect(warnings.join("\n")).not.toContain("literalkey");
  });

  test("a key from a sensitive variable: no warning", () => {
    expect(synthWarnings((s) => tlsCluster(s, withText)).filter((w) => w.includes("secrets/literal"))).toEqual([]);
  });

  test("the topology report says where the files come from, never what they hold", () => {
    const s = new TerraformStack(Testing.app(), "stack");
    tlsCluster(s, () => withText(LITERAL_KEY));
    const report = topologyOf(s);
    expect(report).toContain(
      "TLS enforcing (`-Dtls.server.mode=enforcing`; plaintext connections are refused; the members speak TLS to each other): certificate given as text, private key given as text, CA certificate given as text.",
    );
    expect(report).not.toContain("literalkey");
  });

  test("the change report says the key changed, never what it was or is", () => {
    const before = synth((s) => tlsCluster(s, () => withText(LITERAL_KEY)));
    const rotated = LITERAL_KEY.replace("literalkey", "rotatedkey");
    const after = synth((s) => tlsCluster(s, () => withText(rotated)));
    const text = renderImpact([changeImpact("stack", dockerStackChanges(before, after))]);
    expect(text).toContain("server.key changed (a TLS certificate or key: its content is not shown)");
    expect(text).not.toContain("literalkey");
    expect(text).not.toContain("rotatedkey");
  });
});

describe("TLS that would not start or not protect is refused at synth", () => {
  const errorsOf = (tls: any, version = RocketMqVersion.V4_9_8) =>
    synthError((s) => {
      const h = new DockerHost(s, "h1", { address: "10.0.0.1", dockerHost: "ssh://ops@10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version, tls });
      new NameServer(cluster, "ns", { host: h });
    });

  test("enforcing without the certificate and key", () => {
    expect(errorsOf({ mode: TlsMode.ENFORCING })).toContain(
      "[stack/rmq] [tls/certificate] tls.mode is enforcing but the certificate (tls.certificate or tls.certificateFile) and its private key (tls.privateKey or tls.privateKeyFile) are missing",
    );
  });

  test("a mode is required, and only TlsMode's", () => {
    expect(errorsOf({ certificate: CERT })).toContain("[props/required] tls.mode is required.");
    expect(errorsOf({ mode: "strict" })).toContain('[props/value] tls.mode is "strict", not one of TlsMode.DISABLED');
  });

  test("a file from two places", () => {
    expect(
      errorsOf({
        mode: TlsMode.ENFORCING,
        certificate: CERT,
        certificateFile: "/etc/tls/server.crt",
        privateKeyFile: "/etc/tls/server.key",
      }),
    ).toContain("[tls/source] tls.certificate and tls.certificateFile are both set");
  });

  test("a PKCS#1 or encrypted key, with the openssl line that converts it, never its value", () => {
    const pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nMIIEsecretbits\n-----END RSA PRIVATE KEY-----\n";
    const msg = errorsOf({ mode: TlsMode.ENFORCING, certificate: CERT, privateKey: pkcs1 });
    expect(msg).toContain('[tls/key-format] tls.privateKey is a PEM "RSA PRIVATE KEY"');
    expect(msg).toContain("openssl pkcs8 -topk8 -nocrypt");
    expect(msg).not.toContain("secretbits");
    const encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIEsecretbits\n-----END ENCRYPTED PRIVATE KEY-----\n";
    expect(errorsOf({ mode: TlsMode.ENFORCING, certificate: CERT, privateKey: encrypted })).toContain("Decrypt it");
  });

  test("a certificate that is not PEM, a key with a carriage return or a NUL: refused, never shown", () => {
    expect(errorsOf({ mode: TlsMode.ENFORCING, certificate: "hello", privateKeyFile: "/k" })).toContain(
      "[tls/pem] tls.certificate is not PEM certificates",
    );
    const crlf = LITERAL_KEY.replace(/\n/g, "\r\n");
    const msg = errorsOf({ mode: TlsMode.ENFORCING, certificate: CERT, privateKey: crlf });
    expect(msg).toContain("[props/control-character] tls.privateKey contains a carriage return (U+000D)");
    expect(msg).not.toContain("literalkey");
    expect(errorsOf({ mode: TlsMode.ENFORCING, certificate: CERT + "\0", privateKeyFile: "/k" })).toContain(
      "tls.certificate contains a character that is not printable ASCII (U+0000)",
    );
  });

  test("a host path that is relative, has '..', a blank or a newline", () => {
    for (const p of ["etc/tls/server.key", "/etc/tls/../shadow", "/etc/my tls/key", "/etc/tls\n/key"]) {
      const msg = errorsOf({ mode: TlsMode.ENFORCING, certificate: CERT, privateKeyFile: p });
      expect(msg).toMatch(/\[(tls\/path|props\/control-character)\] tls\.privateKeyFile/);
    }
  });

  test("a 4.x DLedger group in enforcing mode (its raft client speaks plaintext: nobody is elected)", () => {
    const msg = synthError((s) => {
      const hosts = [1, 2, 3].map(
        (n) => new DockerHost(s, `h${n}`, { address: `10.0.0.${n}`, dockerHost: `ssh://ops@10.0.0.${n}` }),
      );
      const key = new TerraformVariable(s, "tlsKey", { type: "string", sensitive: true }).stringValue;
      const cluster = new RocketMqCluster(s, "rmq", {
        version: RocketMqVersion.V4_9_8,
        tls: { mode: TlsMode.ENFORCING, certificate: CERT, privateKey: key, trustCertificate: CA },
      });
      new NameServer(cluster, "ns", { host: hosts[0] });
      new DLedgerGroup(cluster, "raft", { peers: hosts.map((host) => ({ host })) });
    });
    expect(msg).toContain("[stack/rmq/raft] [tls/dledger-raft] DLedger group raft runs RocketMQ 4.9.8");
    expect(msg).toContain("TlsMode.PERMISSIVE");
  });

  test("no CA certificate: a warning that the members accept any certificate", () => {
    const warnings = synthWarnings((s) => tlsCluster(s, (key) => ({ certificate: CERT, privateKey: key })));
    expect(warnings).toEqual([expect.stringContaining("stack/rmq: [tls/no-trust] tls has no trustCertificate")]);
  });
});

describe("TLS on VMs", () => {
  test("the files beside the process's others, named by their VM paths; the user-data output is sensitive", () => {
    let vm: VmHost | undefined;
    const json = synth((s) => {
      vm = new VmHost(s, "vm", { address: "10.0.0.1" });
      const key = new TerraformVariable(s, "tlsKey", { type: "string", sensitive: true }).stringValue;
      const cluster = new RocketMqCluster(s, "rmq", {
        version: RocketMqVersion.V4_9_8,
        tls: { mode: TlsMode.ENFORCING, certificate: CERT, privateKey: key, trustCertificateFile: "/etc/ssl/ca.crt" },
      });
      new NameServer(cluster, "ns", { host: vm });
      new BrokerPair(cluster, "a", { master: { host: vm } });
    });
    const text = vm!.renderUserData();
    const doc = parse(text.replace(/\$\{TfToken\[TOKEN\.\d+\]\}/, '"KEY"'));
    const file = (name: string) =>
      doc.write_files.find((f: any) => f.path === `/etc/rocketmq/defaultcluster-a-0/${name}`);
    expect(parseProperties(file("tls.properties").content)).toMatchObject({
      "tls.server.certPath": "/etc/rocketmq/defaultcluster-a-0/server.crt",
      "tls.server.keyPath": "/etc/rocketmq/defaultcluster-a-0/server.key",
      "tls.client.trustCertPath": "/etc/ssl/ca.crt",
    });
    expect(file("server.crt").content).toBe(CERT);
    // A multi-line value from a variable is written as a quoted scalar, which Terraform's jsonencode fills at apply.
    expect(text).toMatch(/content: \$\{TfToken\[TOKEN\.\d+\]\}/);
    expect(JSON.stringify(json)).toContain("content: ${jsonencode(var.tlsKey)}");
    expect(file("server.key")).toMatchObject({ owner: "rocketmq:rocketmq", permissions: "0640" });
    const unit = doc.write_files.find(
      (f: any) => f.path === "/etc/systemd/system/rocketmq-defaultcluster-a-0.service",
    ).content;
    expect(unit).toContain(
      "-Dtls.server.mode=enforcing -Dtls.enable=true -Dtls.config.file=/etc/rocketmq/defaultcluster-a-0/tls.properties",
    );
    const install = doc.write_files.find((f: any) => f.path === "/usr/local/lib/rocketmq-cdktf/install.sh").content;
    expect(install).toContain("[ -f /etc/ssl/ca.crt ] || fail '/etc/ssl/ca.crt is not on this machine (a TLS file)'");
    expect(
      Object.values<any>(json.output).find((o) => String(o.description).startsWith("cloud-init user-data")).sensitive,
    ).toBe(true);
  });
});

describe("TLS keys where RocketMQ does not read them", () => {
  test("tls.* as an extra property is refused with the cluster's tls prop as the fix", () => {
    const msg = synthError((s) => {
      const h = new DockerHost(s, "h1", { address: "10.0.0.1", dockerHost: "ssh://ops@10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", {
        version: RocketMqVersion.V4_9_8,
        brokerProperties: { "tls.server.mode": "enforcing" },
      });
      new NameServer(cluster, "ns", { host: h });
      new BrokerPair(cluster, "a", { master: { host: h } });
    });
    expect(msg).toContain(
      '[stack/rmq] [keys/unknown] tls.server.mode="enforcing": tls.server.mode is a TLS setting, which RocketMQ reads only as a JVM system property',
    );
    expect(msg).toContain("declare TLS on the cluster: tls: { mode: TlsMode.ENFORCING");
  });
});

describe("the seed-tls example (examples/seed.ts): a secured production cluster", () => {
  const app = Testing.app();
  const stack = new SeedSecuredStack(app, "seed-tls", {}, SECURED_TLS);
  const json = JSON.parse(Testing.synth(stack));
  const all = containers(json);
  const servers = Object.values<any>(all).filter((c) => !String(c.name).includes("dashboard"));

  test("the key comes from a sensitive variable, the certificate and the CA from plain ones; the state is encrypted", () => {
    expect(json.variable.tlsPrivateKey.sensitive).toBe(true);
    expect(json.variable.tlsCertificate.sensitive).toBeUndefined();
    expect(json.variable.tlsCa.sensitive).toBeUndefined();
    expect(json.terraform.encryption.state.enforced).toBe(true);
    expect(JSON.stringify(json)).not.toContain("PRIVATE KEY");
  });

  test("every name server, broker and proxy enforces TLS with the variables' files, and keeps access control 2.0", () => {
    expect(servers.map((c) => c.name).sort()).toEqual([
      "tlscluster-broker-a-0",
      "tlscluster-broker-a-1",
      "tlscluster-namesrv-ns61",
      "tlscluster-namesrv-ns62",
      "tlscluster-proxy-proxy",
    ]);
    for (const c of servers) {
      const files = Object.fromEntries(c.upload.map((u: any) => [u.file, u.content]));
      expect(c.env.find((e: string) => e.startsWith("JAVA_OPT_EXT="))).toContain("-Dtls.server.mode=enforcing");
      expect(files["/home/rocketmq/conf/tls/server.key"]).toBe("${var.tlsPrivateKey}");
      expect(files["/home/rocketmq/conf/tls/server.crt"]).toBe("${var.tlsCertificate}");
      expect(files["/home/rocketmq/conf/tls/ca.crt"]).toBe("${var.tlsCa}");
    }
    const master = parseProperties(
      all["tlscluster-broker-a-0"].upload.find((u: any) => u.file.endsWith("broker.properties")).content,
    );
    expect(master.authenticationEnabled).toBe("true");
    expect(all["tlscluster-dashboard-console"].env.join(" ")).toContain("-Drocketmq.config.useTLS=true");
  });
});
