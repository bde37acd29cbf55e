/**
 * seed-tls-vm, the example of a secured cluster on VMs with TLS enforcing: seed-secured-vm-5x's accounts, master, slave
 * and proxy, plus the certificate, the private key (sensitive) and the CA from Terraform variables. What a user relies
 * on: every server enforces TLS with the cluster's files, the key is in no synthesized file and its file on the VM is
 * the rocketmq user's only, and every user-data output that carries it is sensitive.
 */
import { Testing } from "cdktf";
import { parse } from "yaml";
import { SECURED_5X, SECURED_TLS_VM, SeedSecuredVmStack } from "../../examples/seed";
import { parseProperties } from "../../lib/core/render/properties";

function synthJson(shape = SECURED_TLS_VM, id = "seed-tls-vm"): any {
  return JSON.parse(Testing.synth(new SeedSecuredVmStack(Testing.app(), id, {}, shape), true));
}

/** Each VM's cloud-init document, a variable's whole-file value (`${jsonencode(var.X)}`) read as the text `var.X`. */
function documents(json: any): Record<string, any> {
  return Object.fromEntries(
    Object.entries<any>(json.output)
      .filter(([id]) => id.endsWith("_userData"))
      .map(([id, o]) => [
        id,
        parse(
          String(o.value)
            .replace(/\$\{jsonencode\(var\.([A-Za-z0-9_]+)\)\}/g, '"var.$1"')
            .replace(/\$\$\{/g, "${"),
        ),
      ]),
  );
}

describe("seed-tls-vm: access control 2.0 and TLS enforcing on two VMs", () => {
  const json = synthJson();
  const docs = documents(json);

  test("the certificate, the private key and the CA are Terraform variables, only the key (and the accounts' secrets) sensitive", () => {
    expect(Object.fromEntries(Object.entries<any>(json.variable).map(([k, v]) => [k, v.sensitive === true]))).toEqual({
      adminSecret: true,
      auditSecret: true,
      ordersSecret: true,
      statePassphrase: true,
      tlsCa: false,
      tlsCertificate: false,
      tlsPrivateKey: true,
    });
  });

  test("no PEM text in the synthesized JSON; every user-data output (which carries the key) is sensitive", () => {
    expect(JSON.stringify(json)).not.toContain("-----BEGIN");
    const outputs = Object.entries<any>(json.output).filter(([id]) => id.endsWith("_userData"));
    expect(outputs.map(([id]) => id).sort()).toEqual(["vm63_userData", "vm64_userData"]);
    for (const [id, o] of outputs) {
      expect({ id, sensitive: o.sensitive }).toEqual({ id, sensitive: true });
      expect(String(o.value)).toContain("content: ${jsonencode(var.tlsPrivateKey)}");
    }
  });

  test("every server enforces TLS: its JVM options, its own tls.properties with test mode off and the cluster's files beside it", () => {
    const servers: string[] = [];
    for (const doc of Object.values(docs)) {
      const files: any[] = doc.write_files;
      for (const unit of files.filter((f) => /^\/etc\/systemd\/system\/rocketmq-.*\.service$/.test(f.path))) {
        const name = unit.path.replace(/^.*\/rocketmq-/, "").replace(/\.service$/, "");
        const dir = `/etc/rocketmq/${name}`;
        servers.push(name);
        const javaOptExt = /JAVA_OPT_EXT=([^"]*)/.exec(unit.content)![1].split(" ");
        expect(javaOptExt.filter((o) => o.startsWith("-Dtls."))).toEqual([
          "-Dtls.server.mode=enforcing",
          "-Dtls.enable=true",
          `-Dtls.config.file=${dir}/tls.properties`,
        ]);
        const file = (base: string) => files.find((f) => f.path === `${dir}/${base}`);
        expect(parseProperties(file("tls.properties").content)).toMatchObject({
          "tls.test.mode.enable": "false",
          "tls.server.certPath": `${dir}/server.crt`,
          "tls.server.keyPath": `${dir}/server.key`,
          "tls.client.trustCertPath": `${dir}/ca.crt`,
          "tls.client.authServer": "true",
        });
        expect(file("server.crt").content).toBe("var.tlsCertificate");
        expect(file("ca.crt").content).toBe("var.tlsCa");
        // The key: the rocketmq user's only (its folder is 0750), written once the user exists.
        expect(file("server.key")).toEqual({
          path: `${dir}/server.key`,
          owner: "rocketmq:rocketmq",
          permissions: "0640",
          defer: true,
          content: "var.tlsPrivateKey",
        });
      }
    }
    expect(servers.sort()).toEqual([
      "tlsvmcluster-broker-a-0",
      "tlsvmcluster-broker-a-1",
      "tlsvmcluster-namesrv-ns63",
      "tlsvmcluster-namesrv-ns64",
      "tlsvmcluster-proxy-proxy",
    ]);
    const proxy = docs.vm63_userData.write_files.find(
      (f: any) => f.path === "/etc/rocketmq/tlsvmcluster-proxy-proxy/rmq-proxy.json",
    );
    // Its gRPC port's own keys (the JSON holds a Terraform expression, so it is read as text).
    expect(proxy.content).toContain('"tlsTestModeEnable": false');
    expect(proxy.content).toContain('"tlsCertPath": "/etc/rocketmq/tlsvmcluster-proxy-proxy/server.crt"');
    expect(proxy.content).toContain('"tlsKeyPath": "/etc/rocketmq/tlsvmcluster-proxy-proxy/server.key"');
  });

  test("the rest is seed-secured-vm-5x: the same files apart from TLS's, but for the cluster's name and machines", () => {
    const five = documents(synthJson(SECURED_5X, "seed-secured-vm-5x"));
    const same = (d: Record<string, any>, from: string[]) =>
      Object.values(d)
        .flatMap((doc: any) => doc.write_files as any[])
        .filter((f) => !/\/(tls\.properties|server\.crt|server\.key|ca\.crt)$/.test(f.path))
        .map((f) => {
          // rmq-proxy.json's TLS keys (its gRPC port's) are TLS's too.
          const content = String(f.content)
            .replace(/^ {2}"tls(TestModeEnable|CertPath|KeyPath)": .*\n/gm, "")
            .replace(/,\n\}\n$/, "\n}\n");
          let text = JSON.stringify({ ...f, content });
          for (const [a, b] of [
            [from[0], "CLUSTER"],
            [from[1], "CLUSTER"],
            [`172.17.160.${from[2]}`, "M1"],
            [`172.17.160.${from[3]}`, "M2"],
            [`vm${from[2]}`, "M1"],
            [`vm${from[3]}`, "M2"],
            [`ns${from[2]}`, "M1"],
            [`ns${from[3]}`, "M2"],
            [from[4], "STACK"],
          ])
            text = text.split(a).join(b);
          // TLS's system properties in the units: the only other difference.
          return text
            .replace(/ -Dtls\.server\.mode=enforcing -Dtls\.enable=true/g, "")
            .replace(/ -Dtls\.config\.file=\S+?\/tls\.properties/g, "");
        });
    expect(same(docs, ["TlsVmCluster", "tlsvmcluster", "63", "64", "seed-tls-vm"])).toEqual(
      same(five, ["SecuredCluster5", "securedcluster5", "53", "54", "seed-secured-vm-5x"]),
    );
  });
});
