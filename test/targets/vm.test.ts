import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { App, TerraformOutput, TerraformResource, TerraformStack, Testing } from "cdktf";
import { parse } from "yaml";
import {
  BrokerPair,
  Dashboard,
  DLedgerGroup,
  DockerHost,
  DockerNetworkMode,
  NameServer,
  RocketMqCluster,
  VmDistribution,
  VmHost,
  VmJava,
  RocketMqVersion,
  topologyOf,
} from "../../lib";
import { parseProperties } from "../../lib/core/render/properties";
import { fromTerraformLiteral } from "../../lib/targets/terraform-text";
import { readVmUserData } from "../../lib/targets/vm/user-data";
import { SeedDLedgerStack, SeedDLedgerVmStack } from "../../examples/seed";
import { containers, synth, synthError, synthWarnings, synthWithoutValidation, uploadedProperties } from "../helpers";

interface WriteFile {
  path: string;
  content: string;
  owner: string;
  permissions: string;
  defer?: boolean;
}

/** The user-data documents of a synthesized stack (its `<host>_userData` outputs), parsed as cloud-init reads them. */
function userData(json: any): Record<string, { text: string; doc: any; files: Record<string, WriteFile> }> {
  const out: Record<string, { text: string; doc: any; files: Record<string, WriteFile> }> = {};
  for (const [id, o] of Object.entries<any>(json.output ?? {})) {
    if (!id.endsWith("_userData")) continue;
    // What Terraform hands the VM: the JSON string is a template, `$${` a literal `${`.
    const text = fromTerraformLiteral(o.value as string);
    const doc = parse(text);
    out[id.slice(0, -"_userData".length)] = {
      text,
      doc,
      files: Object.fromEntries((doc.write_files as WriteFile[]).map((f) => [f.path, f])),
    };
  }
  return out;
}

/** `Key=value` lines of a unit, by key (repeated keys joined by a newline). */
function unitKeys(unit: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of unit.split("\n")) {
    const m = /^([A-Za-z-]+)=(.*)$/.exec(line);
    if (m) out[m[1]] = out[m[1]] === undefined ? m[2] : `${out[m[1]]}\n${m[2]}`;
  }
  return out;
}

function seedVm(): any {
  const app = Testing.app();
  return JSON.parse(Testing.synth(new SeedDLedgerVmStack(app, "seed-dledger-vm"), true));
}

describe("seed-dledger-vm: the tutorial's DLedger group on three VMs", () => {
  const json = seedVm();
  const docs = userData(json);

  test("one user-data document per VM, as a stack output, and no container", () => {
    expect(Object.keys(docs).sort()).toEqual(["vm28", "vm29", "vm30"]);
    expect(json.resource?.docker_container).toBeUndefined();
    for (const d of Object.values(docs)) expect(d.text.startsWith("#cloud-config\n")).toBe(true);
  });

  test("the rocketmq user (3000:3000) is made at boot, before the files it owns are written", () => {
    const boot = docs.vm28.doc.bootcmd[0];
    expect(boot.slice(0, 2)).toEqual(["sh", "-c"]);
    expect(boot[2]).toContain("groupadd --gid 3000 rocketmq");
    expect(boot[2]).toContain("useradd --uid 3000 --gid 3000");
    expect(docs.vm28.doc.runcmd).toEqual([["sh", "/usr/local/lib/rocketmq-cdktf/install.sh"]]);
  });

  test("each process's file at /etc/rocketmq/<process>/, owned by rocketmq, written once the user exists", () => {
    const f = docs.vm28.files;
    expect(Object.keys(f).sort()).toEqual([
      "/etc/rocketmq/raftcluster-broker-c-n0/broker.properties",
      "/etc/rocketmq/raftcluster-namesrv-ns28/namesrv.properties",
      "/etc/systemd/system/rocketmq-raftcluster-broker-c-n0.service",
      "/etc/systemd/system/rocketmq-raftcluster-namesrv-ns28.service",
      "/usr/local/lib/rocketmq-cdktf/install.sh",
    ]);
    expect(f["/etc/rocketmq/raftcluster-broker-c-n0/broker.properties"]).toMatchObject({
      owner: "rocketmq:rocketmq",
      permissions: "0640",
      defer: true,
    });
    expect(f["/etc/systemd/system/rocketmq-raftcluster-broker-c-n0.service"]).toMatchObject({
      owner: "root:root",
      permissions: "0644",
    });
    expect(f["/usr/local/lib/rocketmq-cdktf/install.sh"]).toMatchObject({ owner: "root:root", permissions: "0755" });
  });

  test("the properties carry the VM's paths: a store directory per process", () => {
    const broker = parseProperties(docs.vm29.files["/etc/rocketmq/raftcluster-broker-c-n1/broker.properties"].content);
    expect(broker).toMatchObject({
      storePathRootDir: "/var/lib/rocketmq/raftcluster-broker-c-n1",
      storePathCommitLog: "/var/lib/rocketmq/raftcluster-broker-c-n1/commitlog",
      brokerIP1: "172.17.160.29",
      dLegerSelfId: "n1",
      dLegerPeers: "n0-172.17.160.28:40911;n1-172.17.160.29:40912;n2-172.17.160.30:40913",
      namesrvAddr: "172.17.160.28:9876;172.17.160.29:9876;172.17.160.30:9876",
    });
    const ns = parseProperties(docs.vm29.files["/etc/rocketmq/raftcluster-namesrv-ns29/namesrv.properties"].content);
    expect(ns).toEqual({
      listenPort: "9876",
      kvConfigPath: "/var/lib/rocketmq/raftcluster-namesrv-ns29/kvConfig.json",
    });
  });

  test("the same rendered files as the Docker target, but for the store paths", () => {
    const docker = containers(JSON.parse(Testing.synth(new SeedDLedgerStack(Testing.app(), "seed-dledger"), true)));
    for (const [host, n] of [
      ["vm28", 0],
      ["vm29", 1],
      ["vm30", 2],
    ] as const) {
      const vm = docs[host].files[`/etc/rocketmq/raftcluster-broker-c-n${n}/broker.properties`].content;
      const d = docker[`raftcluster-broker-c-n${n}`].upload[0].content as string;
      expect(
        vm
          .replace(/seed-dledger-vm\//, "seed-dledger/")
          .split(`/var/lib/rocketmq/raftcluster-broker-c-n${n}`)
          .join("/home/rocketmq/store"),
      ).toBe(d);
    }
  });

  test("one unit per process: user rocketmq, restarted on failure, LimitNOFILE, the heap through JAVA_OPT_EXT, its own user.home", () => {
    const unit = unitKeys(docs.vm28.files["/etc/systemd/system/rocketmq-raftcluster-broker-c-n0.service"].content);
    expect(unit).toMatchObject({
      User: "rocketmq",
      Group: "rocketmq",
      Restart: "on-failure",
      LimitNOFILE: "655350",
      WantedBy: "multi-user.target",
      EnvironmentFile: "/etc/rocketmq/java.env",
      WorkingDirectory: "/opt/rocketmq/rocketmq-4.9.8/bin",
      ExecStart:
        "/bin/sh /opt/rocketmq/rocketmq-4.9.8/bin/mqbroker -c /etc/rocketmq/raftcluster-broker-c-n0/broker.properties",
      "X-RocketMQ-Role": "broker",
      "X-RocketMQ-DLegerSelfId": "n0",
    });
    const env = unit.Environment.split("\n");
    expect(env).toContain("ROCKETMQ_HOME=/opt/rocketmq/rocketmq-4.9.8");
    const ext = env.find((e) => e.startsWith('"JAVA_OPT_EXT='))!;
    expect(ext).toMatch(
      /^"JAVA_OPT_EXT=-Xms512m -Xmx512m -XX:MaxDirectMemorySize=512m -Duser\.home=\/var\/log\/rocketmq\/raftcluster-broker-c-n0 --add-opens java\.base\/jdk\.internal\.ref=ALL-UNNAMED /,
    );
    const nsUnit = unitKeys(docs.vm28.files["/etc/systemd/system/rocketmq-raftcluster-namesrv-ns28.service"].content);
    expect(nsUnit.ExecStart).toBe(
      "/bin/sh /opt/rocketmq/rocketmq-4.9.8/bin/mqnamesrv -c /etc/rocketmq/raftcluster-namesrv-ns28/namesrv.properties",
    );
    expect(nsUnit.Environment).toContain(
      "-Xms256m -Xmx256m -XX:MaxDirectMemorySize=128m -Duser.home=/var/log/rocketmq/raftcluster-namesrv-ns28",
    );
  });

  test("the broker starts after the name server of its own VM (not those of the others)", () => {
    const unit = unitKeys(docs.vm30.files["/etc/systemd/system/rocketmq-raftcluster-broker-c-n2.service"].content);
    expect(unit.After).toBe("network-online.target rocketmq-raftcluster-namesrv-ns30.service");
    expect(unit.Wants).toBe("network-online.target rocketmq-raftcluster-namesrv-ns30.service");
    const script = docs.vm30.files["/usr/local/lib/rocketmq-cdktf/install.sh"].content;
    expect(script).toContain(
      "systemctl enable --now rocketmq-raftcluster-namesrv-ns30.service rocketmq-raftcluster-broker-c-n2.service",
    );
  });

  test("the install script: Java from Debian unless present, the Apache zip verified by SHA-512 before anything starts, stores owned by rocketmq", () => {
    const script = docs.vm28.files["/usr/local/lib/rocketmq-cdktf/install.sh"].content;
    expect(script).toMatch(/^#!\/bin\/sh\n/);
    expect(script).toContain("set -eu");
    expect(script).toContain("apt-get install -y -q --no-install-recommends openjdk-17-jre-headless");
    expect(script).toContain(
      "install_rocketmq /opt/rocketmq/rocketmq-4.9.8 https://archive.apache.org/dist/rocketmq/4.9.8/rocketmq-all-4.9.8-bin-release.zip ''",
    );
    expect(script).toContain('fetch "$url.sha512" "$tmp/dist.zip.sha512"');
    expect(script).toContain("python3 -m zipfile -e");
    expect(script).toContain('[ "$actual" = "$expected" ] || fail');
    expect(script.indexOf("install_rocketmq /opt")).toBeLessThan(script.indexOf("systemctl enable --now"));
    expect(script).toContain(
      'own() { o=$1; shift; for d in "$@"; do mkdir -p "$d" && chown "$o" "$d" && chmod 0750 "$d"; done; }',
    );
    expect(script).toContain(
      "own rocketmq:rocketmq /etc/rocketmq/raftcluster-namesrv-ns28 /var/log/rocketmq/raftcluster-namesrv-ns28 /var/lib/rocketmq/raftcluster-namesrv-ns28\n",
    );
    expect(script).toContain(
      "own rocketmq:rocketmq /etc/rocketmq/raftcluster-broker-c-n0 /var/log/rocketmq/raftcluster-broker-c-n0 /var/lib/rocketmq/raftcluster-broker-c-n0\n",
    );
    expect(script.indexOf("own rocketmq:rocketmq /etc")).toBeLessThan(script.indexOf("systemctl enable --now"));
  });

  test("deterministic: the same documents on every synth", () => {
    expect(userData(seedVm())).toEqual(docs);
  });
});

describe("VmHost props", () => {
  const one = (props: Partial<ConstructorParameters<typeof VmHost>[2]>) =>
    userData(
      synth((s) => {
        const vm = new VmHost(s, "vm", { address: "10.0.0.1", ...props });
        const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V5_3_3 });
        new NameServer(cluster, "ns", { host: vm });
        new BrokerPair(cluster, "broker-a", { master: { host: vm } });
      }),
    ).vm;

  test("a pinned checksum and a mirror of the archive's layout", () => {
    const sha = "ab".repeat(64);
    const script = one({
      distribution: VmDistribution.apacheArchive({
        mirror: "http://10.0.0.9:8080/rocketmq/",
        sha512: sha.toUpperCase(),
      }),
    }).files["/usr/local/lib/rocketmq-cdktf/install.sh"].content;
    expect(script).toContain(
      `install_rocketmq /opt/rocketmq/rocketmq-5.3.3 http://10.0.0.9:8080/rocketmq/5.3.3/rocketmq-all-5.3.3-bin-release.zip ${sha}`,
    );
  });

  test("a distribution at a URL, and a preinstalled one (nothing downloaded)", () => {
    expect(
      one({ distribution: VmDistribution.fromUrl("https://repo.example/rmq.zip") }).files[
        "/usr/local/lib/rocketmq-cdktf/install.sh"
      ].content,
    ).toContain("install_rocketmq /opt/rocketmq/rocketmq-5.3.3 https://repo.example/rmq.zip ''");
    const pre = one({ distribution: VmDistribution.preinstalled("/srv/rocketmq") });
    const script = pre.files["/usr/local/lib/rocketmq-cdktf/install.sh"].content;
    expect(script).not.toContain("install_rocketmq /");
    expect(script).toContain("[ -d /srv/rocketmq/bin ] || fail");
    expect(
      unitKeys(pre.files["/etc/systemd/system/rocketmq-defaultcluster-broker-a-0.service"].content).ExecStart,
    ).toBe("/bin/sh /srv/rocketmq/bin/mqbroker -c /etc/rocketmq/defaultcluster-broker-a-0/broker.properties");
  });

  test("a preinstalled Java, java options, the open-file limit", () => {
    const d = one({
      java: VmJava.preinstalled("/usr/lib/jvm/temurin-17"),
      javaOptions: ["-XX:+UseZGC", "-Xlog:gc:file=/var/log/gc_%p.log"],
      limitNofile: 1048576,
    });
    const script = d.files["/usr/local/lib/rocketmq-cdktf/install.sh"].content;
    expect(script).not.toContain("apt-get");
    expect(script).toContain("JAVA_HOME=/usr/lib/jvm/temurin-17");
    const unit = unitKeys(d.files["/etc/systemd/system/rocketmq-defaultcluster-broker-a-0.service"].content);
    expect(unit.LimitNOFILE).toBe("1048576");
    // `%` is a unit specifier: doubled so that the JVM sees one.
    expect(unit.Environment).toContain(
      '-Duser.home=/var/log/rocketmq/defaultcluster-broker-a-0 -XX:+UseZGC -Xlog:gc:file=/var/log/gc_%%p.log"',
    );
  });

  test("a bad checksum, an unknown prop, a wrong type: errors on the host", () => {
    const err = synthError((s) => {
      new VmHost(s, "vm", { address: "10.0.0.1", distribution: VmDistribution.fromUrl("https://x/y.zip", "1234") });
      new VmHost(s, "vm2", { address: "10.0.0.2", java: "openjdk-17" as any, limitNofile: 0, adress: "x" } as any);
    });
    expect(err).toContain("[hosts/vm-sha512]");
    expect(err).toContain('java is the string "openjdk-17", not a VmJava');
    expect(err).toContain("limitNofile is 0");
    expect(err).toContain("[props/unknown] adress is not a prop");
  });

  test("what a JavaScript caller gives the static factories is checked on the host, never a TypeError", () => {
    const err = synthError((s) => {
      const h = new VmHost(s, "vm", {
        address: "10.0.0.1",
        distribution: VmDistribution.fromUrl("https://x.example/r.zip", 1234 as any),
        java: VmJava.preinstalled({ home: "/usr" } as any),
      });
      new NameServer(new RocketMqCluster(s, "rmq"), "ns", { host: h });
    });
    expect(err).toContain(
      "[stack/vm] [props/type] VmDistribution's sha512 is the number 1234, not a string. Fix: Set VmDistribution's sha512 to a string, e.g. VmDistribution's sha512: \"<the 128 hex digits sha512sum prints>\".",
    );
    expect(err).toContain("[stack/vm] [props/type] VmJava.preinstalled's javaHome is an object, not a string.");
    expect(err).not.toContain("TypeError");
  });

  test("a newline in a java option, a distribution or a Java package never reaches a unit or the install script", () => {
    const build = (s: TerraformStack) => {
      const vm = new VmHost(s, "vm", {
        address: "10.0.0.1",
        javaOptions: ["-Xss1m\nUser=root"],
        distribution: VmDistribution.fromUrl("https://x/y.zip\nrm -rf /"),
        java: VmJava.debianPackage("openjdk-17-jre-headless\nExecStartPre=/bin/sh"),
      });
      new NameServer(new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 }), "ns", { host: vm });
    };
    const err = synthError(build);
    expect(err).toContain(
      "[stack/vm] [props/control-character] javaOptions[0] contains a newline (U+000A) at position 7 of 16: written into a properties file, a systemd unit, a cloud-init document or a shell line, it would end the field and start another.",
    );
    expect(err).toContain("[props/control-character] VmDistribution.fromUrl's url contains a newline");
    expect(err).toContain("[props/control-character] VmJava.debianPackage's packageName contains a newline");
    // Nothing of it is written either way (the options fall back to the defaults).
    const json = synthWithoutValidation(build);
    expect(JSON.stringify(json)).not.toContain("User=root");
  });

  test("a store.hostPath of the user's is handed over only when the install script makes it (run for real as root)", () => {
    const vm = (s: TerraformStack) => new VmHost(s, "vm", { address: "10.0.0.1" });
    let host: VmHost | undefined;
    synth((s) => {
      host = vm(s);
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: host, store: { hostPath: "/data/rocketmq/ns" } });
    });
    const script = parse(host!.renderUserData()).write_files[0].content as string;
    expect(script).toContain("own_made rocketmq:rocketmq /data/rocketmq/ns");
    if (process.getuid?.() !== 0) return;
    // The function as written, against a temporary folder, with the user and group of the machine's root.
    const fn = script.slice(script.indexOf("own_made() {"), script.indexOf("; fi; }") + "; fi; }".length);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "rmq-own-made-"));
    const sh = (d: string) =>
      spawnSync("sh", ["-c", `fail() { echo "$*" >&2; exit 1; }\n${fn}\nown_made root:root ${d}`], {
        encoding: "utf8",
      });
    expect(sh(path.join(dir, "new")).status).toBe(0);
    expect((fs.statSync(path.join(dir, "new")).mode & 0o777).toString(8)).toBe("750");
    fs.mkdirSync(path.join(dir, "theirs"));
    fs.chownSync(path.join(dir, "theirs"), 1234, 1234);
    const refused = sh(path.join(dir, "theirs"));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain("exists and is owned by");
    expect(fs.statSync(path.join(dir, "theirs")).uid).toBe(1234);
  });

  test("attachTo sets user_data of any VM resource (an aws_instance here) to the document", () => {
    const json = synth((s) => {
      const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: vm });
      const instance = new TerraformResource(s, "h1", { terraformResourceType: "aws_instance" });
      vm.attachTo(instance);
      const gce = new TerraformResource(s, "h2", { terraformResourceType: "google_compute_instance" });
      vm.attachTo(gce, "metadata.user-data");
    });
    const doc = json.output.vm_userData.value;
    expect(doc).toMatch(/^#cloud-config\n/);
    expect(json.resource.aws_instance.h1.user_data).toBe(doc);
    expect(json.resource.google_compute_instance.h2.metadata["user-data"]).toBe(doc);
  });
});

describe("the user-data's other forms", () => {
  const build = (forms: boolean) => (s: TerraformStack) => {
    const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
    new NameServer(new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 }), "ns", { host: vm });
    if (forms) {
      new TerraformOutput(s, "b64", { value: vm.userDataBase64 });
      new TerraformOutput(s, "gz", { value: vm.userDataGzipBase64 });
    }
  };

  test("userDataBase64 and userDataGzipBase64 take the document by reference (a local), which OpenTofu parses", () => {
    const json = synth(build(true));
    const [local] = Object.keys(json.locals);
    expect(json.output.b64.value).toBe(`\${base64encode(local.${local})}`);
    expect(json.output.gz.value).toBe(`\${base64gzip(local.${local})}`);
    // The local is the document the host's own output holds (validate-terraform applies all three and compares).
    expect(json.locals[local]).toBe(json.output.vm_userData.value);
  });

  test("a stack that asks for neither gets no local: its output is as before", () => {
    expect(synth(build(false)).locals).toBeUndefined();
  });

  test("a document above AWS's 16 KB is a warning with its size and its gzip size; a small one says nothing", () => {
    const many = (s: TerraformStack) => {
      const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: vm });
      for (const [i, name] of ["broker-a", "broker-b", "broker-c", "broker-d", "broker-e"].entries())
        new BrokerPair(cluster, name, { master: { host: vm, listenPort: 10911 + 1000 * i } });
    };
    const json = synth(many);
    const size = Buffer.byteLength(fromTerraformLiteral(json.output.vm_userData.value), "utf8");
    expect(size).toBeGreaterThan(16 * 1024);
    const warnings = synthWarnings(many).filter((w) => w.includes("[hosts/user-data-size]"));
    expect(warnings).toEqual([
      expect.stringMatching(
        /^stack\/vm: \[hosts\/user-data-size\] the VM's user-data is \d+ bytes, above AWS EC2 \(user_data\)'s 16 KB: the VM resource is refused there\. Gzipped it is \d+ bytes\. Fix: Attach userDataGzipBase64/,
      ),
    ]);
    const gz = Number(/Gzipped it is (\d+) bytes/.exec(warnings[0])![1]);
    expect(gz).toBeLessThan(16 * 1024);
    expect(synthWarnings(build(false)).filter((w) => w.includes("user-data-size"))).toEqual([]);
  });

  test("the topology report says each VM's user-data size, gzipped too, against the providers' limits", () => {
    const stack = new TerraformStack(Testing.app(), "stack");
    const vm = new VmHost(stack, "vm", { address: "10.0.0.1" });
    const cluster = new RocketMqCluster(stack, "rmq", { version: RocketMqVersion.V4_9_8 });
    new NameServer(cluster, "ns", { host: vm });
    for (const [i, name] of ["broker-a", "broker-b", "broker-c", "broker-d", "broker-e"].entries())
      new BrokerPair(cluster, name, { master: { host: vm, listenPort: 10911 + 1000 * i } });
    const json = JSON.parse(Testing.synth(stack, true));
    const bytes = Buffer.byteLength(fromTerraformLiteral(json.output.vm_userData.value), "utf8");
    expect(topologyOf(stack)).toMatch(
      new RegExp(
        `- cloud-init user-data of vm: ${bytes} bytes \\(\\d+ gzipped, the userDataGzipBase64 form\\), above the 16 KB of AWS EC2 \\(user_data\\): attach userDataGzipBase64 there; within the 64 KB of Azure \\(custom_data\\)\\.`,
      ),
    );
  });
});

describe("the rules hold on VMs as on one Docker host", () => {
  test("two brokers of one VM on one port: ports/collision", () => {
    const err = synthError((s) => {
      const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: vm });
      new BrokerPair(cluster, "broker-a", { master: { host: vm } });
      new BrokerPair(cluster, "broker-b", { master: { host: vm } });
    });
    expect(err).toContain("[ports/collision]");
  });

  test("two processes of one VM on one store directory: stores/shared, fixed with a directory (a VM has no volumes); default directories are their own", () => {
    const err = synthError((s) => {
      const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: vm });
      new BrokerPair(cluster, "broker-a", { master: { host: vm, store: { hostPath: "/data/rmq" } } });
      new BrokerPair(cluster, "broker-b", {
        master: { host: vm, listenPort: 20911, store: { hostPath: "/data/rmq" } },
      });
    });
    expect(err).toContain("[stores/shared]");
    expect(err).toContain(
      'Fix: Set store of broker-b master to a host directory of its own, e.g. store: { hostPath: "/data/rocketmq/defaultcluster-broker-b-0" }, or remove store (its default is a directory of its own on 10.0.0.1).',
    );
    expect(err).not.toContain("volume");
    const ok = userData(
      synth((s) => {
        const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
        const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
        new NameServer(cluster, "ns", { host: vm });
        new BrokerPair(cluster, "broker-a", { master: { host: vm } });
        new BrokerPair(cluster, "broker-b", {
          master: { host: vm, listenPort: 20911, store: { hostPath: "/data//rmq/b/" } },
        });
      }),
    ).vm;
    const a = parseProperties(ok.files["/etc/rocketmq/defaultcluster-broker-a-0/broker.properties"].content);
    const b = parseProperties(ok.files["/etc/rocketmq/defaultcluster-broker-b-0/broker.properties"].content);
    expect([a.storePathRootDir, b.storePathRootDir]).toEqual([
      "/var/lib/rocketmq/defaultcluster-broker-a-0",
      "/data/rmq/b",
    ]);
    // Name server first, then both brokers, each after it.
    expect(ok.files["/usr/local/lib/rocketmq-cdktf/install.sh"].content).toContain(
      "systemctl enable --now rocketmq-defaultcluster-namesrv-ns.service rocketmq-defaultcluster-broker-a-0.service rocketmq-defaultcluster-broker-b-0.service",
    );
  });

  test("a named volume on a VM is refused: stores/named-volume, asked through the host's facts", () => {
    const err = synthError((s) => {
      const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: vm, store: { volume: "ns-data" } });
    });
    expect(err).toContain(
      '[stores/named-volume] name server ns sets store.volume "ns-data", but its host stack/vm (10.0.0.1, a VM) has no named volumes',
    );
    expect(err).toContain("Remove store.volume (the store is /var/lib/rocketmq/defaultcluster-namesrv-ns");
  });

  test("the console cannot run on a VM: hosts/container-image, asked through the host's facts", () => {
    const err = synthError((s) => {
      const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns", { host: vm });
      new Dashboard(cluster, "console", { host: vm });
    });
    expect(err).toContain(
      "[hosts/container-image] the dashboard console is placed on the host stack/vm (10.0.0.1, a VM), which runs no container images",
    );
  });

  test("one distribution URL serves one version: hosts/vm-versions", () => {
    const err = synthError((s) => {
      const vm = new VmHost(s, "vm", {
        address: "10.0.0.1",
        distribution: VmDistribution.fromUrl("https://repo.example/rmq.zip", "ab".repeat(64)),
      });
      new NameServer(new RocketMqCluster(s, "a", { version: RocketMqVersion.V4_9_8, clusterName: "A" }), "ns", {
        host: vm,
      });
      new NameServer(new RocketMqCluster(s, "b", { version: RocketMqVersion.V5_3_3, clusterName: "B" }), "ns", {
        host: vm,
        listenPort: 9877,
      });
    });
    expect(err).toContain("[hosts/vm-versions] the VM runs RocketMQ 4.9.8 and 5.3.3");
  });

  test("a VM's address is checked as a DockerHost's; 127.0.0.1 is the machine itself (a one-VM cluster)", () => {
    const err = synthError((s) => {
      const vm = new VmHost(s, "vm", { address: "300.1.1.1" });
      new NameServer(new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 }), "ns", { host: vm });
    });
    expect(err).toContain("[hosts/address]");
    const one = userData(
      synth((s) => {
        const vm = new VmHost(s, "vm", { address: "127.0.0.1" });
        const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
        new NameServer(cluster, "ns", { host: vm });
        new BrokerPair(cluster, "broker-a", { master: { host: vm } });
      }),
    ).vm;
    expect(
      parseProperties(one.files["/etc/rocketmq/defaultcluster-broker-a-0/broker.properties"].content).namesrvAddr,
    ).toBe("127.0.0.1:9876");
  });

  test("the topology report names each VM directory once", () => {
    const app = Testing.app();
    const stack = new SeedDLedgerVmStack(app, "seed-dledger-vm");
    expect(topologyOf(stack)).toContain("| directory `/var/lib/rocketmq/raftcluster-broker-c-n0` |");
  });

  test("a VmHost and a DockerHost at one address are one machine: their ports collide", () => {
    const err = synthError((s) => {
      const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
      const docker = new DockerHost(s, "d", { address: "10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
      new NameServer(cluster, "ns1", { host: vm });
      new NameServer(cluster, "ns2", { host: docker });
    });
    expect(err).toContain("[ports/collision]");
  });
});

describe("ports below 1024", () => {
  const build = (host: (s: TerraformStack) => VmHost | DockerHost) => (s: TerraformStack) => {
    const h = host(s);
    const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
    new NameServer(cluster, "ns", { host: h, listenPort: 876 });
    new BrokerPair(cluster, "broker-a", { master: { host: h, listenPort: 911 } });
  };

  test.each([
    ["a VM (systemd units as the rocketmq user)", (s: TerraformStack) => new VmHost(s, "h", { address: "10.0.0.1" })],
    [
      "a container on the machine's network (uid 3000)",
      (s: TerraformStack) => new DockerHost(s, "h", { address: "10.0.0.1", networkMode: DockerNetworkMode.HOST }),
    ],
  ])("are refused on %s, once per prop, naming the prop to raise", (_what, host) => {
    const lines = synthError(build(host))
      .split("\n")
      .filter((l) => l.includes("[ports/privileged]"));
    expect(lines).toHaveLength(2);
    const broker = lines.find((l) => l.includes("[stack/rmq/broker-a/master]"))!;
    expect(broker).toContain("[ports/privileged] broker-a master listenPort 911 is below 1024");
    expect(broker).toContain('"java.net.SocketException: Permission denied"');
    expect(lines.find((l) => l.includes("[stack/rmq/ns]"))).toContain(
      "[ports/privileged] name server ns listenPort 876 is below 1024",
    );
  });

  test("are fine on Docker's bridge network, where a container may bind any port", () => {
    expect(() => synth(build((s) => new DockerHost(s, "h", { address: "10.0.0.1" })))).not.toThrow();
  });
});

describe("VMs and Docker engines in one cluster", () => {
  const build = (s: TerraformStack, order: "vm-first" | "docker-first") => {
    const make = () => {
      const vm = new VmHost(s, "vm", { address: "10.0.0.2" });
      const docker = new DockerHost(s, "d", { address: "10.0.0.1" });
      return { vm, docker };
    };
    const { vm, docker } = make();
    const cluster = new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 });
    if (order === "vm-first") {
      new DLedgerGroup(cluster, "broker-c", {
        peers: [{ host: vm }, { host: docker }, { host: vm, listenPort: 20911 }],
      });
      new NameServer(cluster, "ns", { host: docker });
    } else {
      new NameServer(cluster, "ns", { host: docker });
      new DLedgerGroup(cluster, "broker-c", {
        peers: [{ host: vm }, { host: docker }, { host: vm, listenPort: 20911 }],
      });
    }
  };
  const json = synth((s) => build(s, "docker-first"));

  test("the name server and one peer are containers, the two other peers units of the VM; one peer list for all", () => {
    const cs = containers(json);
    expect(Object.keys(cs).sort()).toEqual(["defaultcluster-broker-c-n1", "defaultcluster-namesrv-ns"]);
    const vm = userData(json).vm;
    const n0 = parseProperties(vm.files["/etc/rocketmq/defaultcluster-broker-c-n0/broker.properties"].content);
    const n1 = uploadedProperties(cs["defaultcluster-broker-c-n1"]);
    expect(n0.dLegerPeers).toBe(n1.dLegerPeers);
    expect(n0.namesrvAddr).toBe("10.0.0.1:9876");
    expect(n0.storePathRootDir).toBe("/var/lib/rocketmq/defaultcluster-broker-c-n0");
    expect(n1.storePathRootDir).toBe("/home/rocketmq/store");
    // No name server on the VM: the units wait for nothing but the network.
    expect(unitKeys(vm.files["/etc/systemd/system/rocketmq-defaultcluster-broker-c-n2.service"].content).After).toBe(
      "network-online.target",
    );
  });

  test("declaration order does not change the output", () => {
    expect(synth((s) => build(s, "vm-first"))).toEqual(json);
  });
});

test("renderUserData answers the document of the output", () => {
  const app = new App();
  const s = new TerraformStack(app, "s");
  const vm = new VmHost(s, "vm", { address: "10.0.0.1" });
  new NameServer(new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 }), "ns", { host: vm });
  expect(fromTerraformLiteral(JSON.parse(Testing.synth(s, true)).output.vm_userData.value)).toBe(vm.renderUserData());
});

test("Terraform reads the document as a literal: `${` and `%{` are escaped, an address from another resource stays an expression", () => {
  const json = synth((s) => {
    const ip = new TerraformResource(s, "i", { terraformResourceType: "aws_instance" }).getStringAttribute(
      "private_ip",
    );
    const vm = new VmHost(s, "vm", { address: ip, javaOptions: ["-Dhome=${HOME}", "-Dx=%{y}"] });
    new NameServer(new RocketMqCluster(s, "rmq", { version: RocketMqVersion.V4_9_8 }), "ns", { host: vm });
  });
  const value: string = json.output.vm_userData.value;
  // `%` doubled for systemd (a specifier), then `%{` escaped for Terraform: the JVM gets -Dx=%{y}.
  expect(value).toContain("-Dhome=$${HOME} -Dx=%%%{y}");
  expect(value).toContain("X-RocketMQ-Host=${aws_instance.i.private_ip}");
  expect(value.replace(/\$\{aws_instance\.i\.private_ip\}/g, "")).not.toMatch(/(^|[^$])\$\{|(^|[^%])%\{/);
});

describe("readVmUserData (the change report's reader of the documents the VM target writes)", () => {
  test("reads back every file of an example VM, whatever its trailing newlines and leading blanks", () => {
    const doc = [
      "#cloud-config",
      "write_files:",
      '  - path: "/a"',
      '    owner: "root:root"',
      "    content: |",
      "      one",
      "",
      "      two",
      '  - path: "/b"',
      "    content: |-",
      "      no newline",
      '  - path: "/c"',
      "    content: |+",
      "      kept",
      "",
      '  - path: "/d"',
      "    content: |2",
      "        indented",
      '  - path: "/e"',
      '    content: "${var.pem}"',
      "runcmd:",
      '  - [sh, "/x"]',
      "",
    ].join("\n");
    expect(readVmUserData(doc)).toEqual([
      { path: "/a", content: "one\n\ntwo\n" },
      { path: "/b", content: "no newline" },
      { path: "/c", content: "kept\n\n" },
      { path: "/d", content: "  indented\n" },
      { path: "/e", content: "${var.pem}" },
    ]);
  });

  test("every file of the seed's VM documents is read back as the plan wrote it", () => {
    const json = JSON.parse(Testing.synth(new SeedDLedgerVmStack(Testing.app(), "vm"), true));
    const doc = fromTerraformLiteral(json.output.vm28_userData.value);
    const files = readVmUserData(doc);
    expect(files.map((f) => f.path)).toEqual([
      "/usr/local/lib/rocketmq-cdktf/install.sh",
      "/etc/rocketmq/raftcluster-namesrv-ns28/namesrv.properties",
      "/etc/systemd/system/rocketmq-raftcluster-namesrv-ns28.service",
      "/etc/rocketmq/raftcluster-broker-c-n0/broker.properties",
      "/etc/systemd/system/rocketmq-raftcluster-broker-c-n0.service",
    ]);
    const props = parseProperties(files[3].content);
    expect(props.dLegerSelfId).toBe("n0");
    expect(files[0].content.startsWith("#!/bin/sh\n")).toBe(true);
    expect(files[0].content.endsWith('"\n')).toBe(true);
  });
});
