/**
 * Access control, as a user declares it on a cluster: ACL 1.0 files for every broker, secrets from sensitive
 * variables (never in the output, a report or a message), and the mistakes that would not protect or not start.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { TerraformStack, TerraformVariable, Testing } from "cdktf";
import { parse } from "yaml";
import {
  AclPermission,
  AclVersion,
  BrokerPair,
  Dashboard,
  DLedgerGroup,
  DockerHost,
  NameServer,
  Proxy,
  Replication,
  RocketMqCluster,
  RocketMqVersion,
  topologyOf,
  VmHost,
} from "../../lib";
import { parseProperties } from "../../lib/core/render/properties";
import { changeImpact, renderImpact } from "../../lib/report/impact";
import { dockerStackChanges } from "../../lib/targets/docker/changes";
import { containers, synth, synthError, synthWarnings } from "../helpers";

const LITERAL_SECRET = "app-secret-9f3a1c";

/** 2 masters + SYNC slaves crosswise on 4.9.8 with an admin (sensitive variable) and an application account. */
function secured(
  s: TerraformStack,
  o: { version?: RocketMqVersion; appSecret?: string; adminSecret?: string; dashboard?: boolean; proxy?: boolean } = {},
) {
  const adminSecret =
    o.adminSecret ?? new TerraformVariable(s, "adminSecret", { type: "string", sensitive: true }).stringValue;
  const [h1, h2] = [1, 2].map(
    (n) => new DockerHost(s, `h${n}`, { address: `10.0.0.${n}`, dockerHost: `ssh://ops@10.0.0.${n}` }),
  );
  const cluster = new RocketMqCluster(s, "rmq", {
    version: o.version ?? RocketMqVersion.V4_9_8,
    accessControl: {
      users: [
        { name: "rocketmq-admin", secret: adminSecret, admin: true },
        {
          name: "orders-app",
          secret: o.appSecret ?? LITERAL_SECRET,
          topicPermissions: { Orders: AclPermission.PUB_SUB, Audit: AclPermission.SUB },
          groupPermissions: { "orders-consumers": AclPermission.SUB },
        },
      ],
    },
  });
  new NameServer(cluster, "ns1", { host: h1 });
  new BrokerPair(cluster, "broker-a", {
    replication: Replication.SYNC,
    master: { host: h1 },
    slaves: [{ host: h2, listenPort: 11911 }],
  });
  if (o.dashboard) new Dashboard(cluster, "console", { host: h2 });
  if (o.proxy) new Proxy(cluster, "proxy", { host: h1 });
  return cluster;
}

const fileOf = (c: any, name: string) => (c.upload as any[]).find((u) => u.file.endsWith(name))?.content as string;

describe("ACL 2.0 (5.3.0 and later, the default 5.5.0): providers, bootstrap user and accounts on every broker", () => {
  const json = synth((s) => secured(s, { version: RocketMqVersion.V5_5_0, appSecret: 'a\\b"c-secret', proxy: true }));
  const brokers = ["defaultcluster-broker-a-0", "defaultcluster-broker-a-1"].map((n) => containers(json)[n]);
  const props = (b: any) => parseProperties(fileOf(b, "broker.properties"));

  test("every broker, master and slave, authenticates and authorizes with the local providers; none reads aclEnable", () => {
    for (const b of brokers) {
      expect(props(b)).toMatchObject({
        authenticationEnabled: "true",
        authenticationProvider: "org.apache.rocketmq.auth.authentication.provider.DefaultAuthenticationProvider",
        authenticationMetadataProvider:
          "org.apache.rocketmq.auth.authentication.provider.LocalAuthenticationMetadataProvider",
        authorizationEnabled: "true",
        authorizationProvider: "org.apache.rocketmq.auth.authorization.provider.DefaultAuthorizationProvider",
        authorizationMetadataProvider:
          "org.apache.rocketmq.auth.authorization.provider.LocalAuthorizationMetadataProvider",
        migrateAuthFromV1Enabled: "true",
      });
      expect(props(b).aclEnable).toBeUndefined();
    }
  });

  test("the system user is each broker's first super user and signs its own requests (a slave's copies), Terraform quoting its secret for a properties file", () => {
    const expr = '${replace(jsonencode(var.adminSecret), "\\\\", "\\\\\\\\")}';
    for (const b of brokers) {
      // The file as Terraform writes it (the expression is evaluated before the broker reads the file).
      const text = fileOf(b, "broker.properties");
      expect(text).toContain(`\ninitAuthenticationUser={"username":"rocketmq-admin","password":${expr}}\n`);
      expect(text).toContain(
        `\ninnerClientAuthenticationCredentials={"accessKey":"rocketmq-admin","secretKey":${expr}}\n`,
      );
    }
  });

  test("the accounts reach every broker's store through plain_acl.yml (migrated at start), with no white list", () => {
    for (const b of brokers) {
      const acl = parse(fileOf(b, "plain_acl.yml").replace("${jsonencode(var.adminSecret)}", '"x"'));
      expect(acl.globalWhiteRemoteAddresses).toEqual([]);
      expect(acl.accounts.map((a: any) => [a.accessKey, a.admin, a.topicPerms])).toEqual([
        ["rocketmq-admin", true, []],
        ["orders-app", false, ["Audit=SUB", "Orders=PUB|SUB"]],
      ]);
      expect(acl.accounts[1].secretKey).toBe('a\\b"c-secret');
      expect((b.env as string[]).find((e) => e.startsWith("JAVA_OPT_EXT="))).toContain(
        "-Drocketmq.acl.plain.file=../conf/plain_acl.yml",
      );
    }
  });

  test("the proxy checks clients against the brokers' accounts and signs its own requests as the system user", () => {
    // The file as Terraform writes it: the expression gives, at apply, the secret encoded twice without its quotes.
    const text = fileOf(containers(json)["defaultcluster-proxy-proxy"], "rmq-proxy.json");
    const expr = '${trimsuffix(trimprefix(jsonencode(jsonencode(var.adminSecret)), "\\""), "\\"")}';
    expect(text).toContain(
      `\n  "innerClientAuthenticationCredentials": "{\\"accessKey\\":\\"rocketmq-admin\\",\\"secretKey\\":${expr}}",\n`,
    );
    const proxy = JSON.parse(text.replace(expr, '\\"x\\"'));
    expect(proxy).toMatchObject({
      authenticationEnabled: true,
      authenticationMetadataProvider: "org.apache.rocketmq.proxy.auth.ProxyAuthenticationMetadataProvider",
      authorizationEnabled: true,
      authorizationMetadataProvider: "org.apache.rocketmq.proxy.auth.ProxyAuthorizationMetadataProvider",
      enableAclRpcHookForClusterMode: true,
      innerClientAuthenticationCredentials: '{"accessKey":"rocketmq-admin","secretKey":"x"}',
    });
  });

  test("a literal secret with a backslash, a quote and a non-ASCII letter stays inside its field: RocketMQ reads it back whole", () => {
    const secret = 'ad\\min"sécret';
    const lit = synth((s) => secured(s, { version: RocketMqVersion.V5_5_0, adminSecret: secret, proxy: true }));
    for (const n of ["defaultcluster-broker-a-0", "defaultcluster-broker-a-1"]) {
      const text = fileOf(containers(lit)[n], "broker.properties");
      expect(text).toMatch(/^[\x20-\x7e\n]*$/);
      expect(JSON.parse(parseProperties(text).initAuthenticationUser).password).toBe(secret);
      expect(JSON.parse(parseProperties(text).innerClientAuthenticationCredentials).secretKey).toBe(secret);
    }
    const proxy = JSON.parse(fileOf(containers(lit)["defaultcluster-proxy-proxy"], "rmq-proxy.json"));
    expect(JSON.parse(proxy.innerClientAuthenticationCredentials)).toEqual({
      accessKey: "rocketmq-admin",
      secretKey: secret,
    });
  });
});

describe("ACL 1.0 (4.4.0 to 5.3.2): aclEnable and plain_acl.yml on every broker", () => {
  const json = synth((s) => secured(s, { dashboard: true }));
  const brokers = ["defaultcluster-broker-a-0", "defaultcluster-broker-a-1"].map((n) => containers(json)[n]);

  test("every broker reads aclEnable=true and finds plain_acl.yml beside its properties, through rocketmq.acl.plain.file", () => {
    for (const b of brokers) {
      expect(fileOf(b, "broker.properties")).toContain("\naclEnable=true\n");
      expect(fileOf(b, "plain_acl.yml")).toBeDefined();
      expect((b.env as string[]).find((e) => e.startsWith("JAVA_OPT_EXT="))).toContain(
        "-Drocketmq.acl.plain.file=../conf/plain_acl.yml",
      );
    }
  });

  test("the file lists the slaves' machines (their copies are unsigned), each account with its permissions", () => {
    const acl = parse(fileOf(brokers[0], "plain_acl.yml").replace("${jsonencode(var.adminSecret)}", '"x"'));
    expect(acl.globalWhiteRemoteAddresses).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(acl.accounts).toEqual([
      {
        accessKey: "rocketmq-admin",
        secretKey: "x",
        whiteRemoteAddress: "",
        admin: true,
        defaultTopicPerm: "DENY",
        defaultGroupPerm: "SUB",
        topicPerms: [],
        groupPerms: [],
      },
      {
        accessKey: "orders-app",
        secretKey: LITERAL_SECRET,
        whiteRemoteAddress: "",
        admin: false,
        defaultTopicPerm: "DENY",
        defaultGroupPerm: "SUB",
        topicPerms: ["Audit=SUB", "Orders=PUB|SUB"],
        groupPerms: ["orders-consumers=SUB"],
      },
    ]);
  });

  test("a sensitive variable's secret is Terraform's to write: cdk.tf.json holds the expression, quoted by jsonencode", () => {
    expect(fileOf(brokers[0], "plain_acl.yml")).toContain("secretKey: ${jsonencode(var.adminSecret)}");
  });

  test("the console signs with the system account", () => {
    const opts = (containers(json)["defaultcluster-dashboard-console"].env as string[]).find((e) =>
      e.startsWith("JAVA_OPTS="),
    )!;
    expect(opts).toContain("-Drocketmq.config.accessKey=rocketmq-admin -Drocketmq.config.secretKey=${var.adminSecret}");
  });

  test("a literal secret is warned about where declared, without its value", () => {
    const warnings = synthWarnings((s) => secured(s));
    const literal = warnings.filter((w) => w.includes("[secrets/literal]"));
    expect(literal).toHaveLength(1);
    expect(literal[0]).toContain(
      "stack/rmq: [secrets/literal] accessControl.users[1].secret (user orders-app) is a literal string",
    );
    expect(warnings.join("\n")).not.toContain(LITERAL_SECRET);
  });

  test("the topology report names the accounts and their permissions, never a secret", () => {
    const s = new TerraformStack(Testing.app(), "stack");
    // the console too: it signs with the system account's secret, which its effective configuration must not show
    secured(s, { dashboard: true });
    const report = topologyOf(s);
    expect(report).toContain("-Drocketmq.config.secretKey=(not shown)");
    expect(report).toContain(
      "Access control 1.0 (aclEnable, plain_acl.yml): rocketmq-admin (admin; the library's own processes sign with it); orders-app (topic Orders PUB|SUB, topic Audit SUB, group orders-consumers SUB, other topics DENY, other groups SUB). Secrets are not shown.",
    );
    expect(report).not.toContain(LITERAL_SECRET);
  });

  test("the change report says a secret changed, never what it was or is", () => {
    const before = synth((s) => secured(s, { dashboard: true }));
    const after = synth((s) => secured(s, { dashboard: true, appSecret: "app-secret-rotated" }));
    const text = renderImpact([changeImpact("stack", dockerStackChanges(before, after))]);
    expect(text).toContain("plain_acl.yml changed (it holds secrets: its content is not shown)");
    expect(text).not.toContain(LITERAL_SECRET);
    expect(text).not.toContain("app-secret-rotated");
  });
});

describe("access control that would not protect, or not start, is refused at synth", () => {
  const user = (name: string, secret: string, admin = false) => ({ name, secret, admin });
  const errors = (version: RocketMqVersion, acl: any) =>
    synthError((s) => {
      const h = new DockerHost(s, "h1", { address: "10.0.0.1", dockerHost: "ssh://ops@10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", { version, accessControl: acl });
      new NameServer(cluster, "ns", { host: h });
    });

  test("ACL 1.0 on 5.3.3 and later, where nothing reads it", () => {
    const msg = errors(RocketMqVersion.V5_3_3, {
      users: [user("rocketmq-admin", "admin-secret-1", true)],
      version: AclVersion.V1,
    });
    expect(msg).toContain(
      "[stack/rmq] [acl/version] accessControl asks for ACL 1.0, but RocketMQ 5.3.3 has no ACL 1.0",
    );
  });

  test("ACL 2.0 before 5.3.0", () => {
    const msg = errors(RocketMqVersion.V4_9_8, {
      users: [user("rocketmq-admin", "admin-secret-1", true)],
      version: AclVersion.V2,
    });
    expect(msg).toContain("[acl/version] accessControl asks for ACL 2.0, which RocketMQ reads from 5.3.0 on");
  });

  test("names and literal secrets of 6 characters or fewer, two users of one name, no admin: each once, no secret shown", () => {
    const msg = errors(RocketMqVersion.V4_9_8, { users: [user("app", "s3cret"), user("app", "another-secret")] });
    expect(msg).toContain('[acl/short-key] accessControl.users[0].name "app" has 3 characters');
    expect(msg).toContain("[acl/short-key] accessControl.users[0].secret (user app) has 6 characters");
    expect(msg).toContain(
      '[acl/duplicate-user] accessControl.users[1] and accessControl.users[0] are both named "app"',
    );
    expect(msg).toContain("[acl/system-user] accessControl has no admin user");
    expect(msg).not.toContain("s3cret");
    expect(msg).not.toContain("another-secret");
  });

  test("a permission that is not AclPermission's, with the spelling that was meant", () => {
    const msg = errors(RocketMqVersion.V4_9_8, {
      users: [{ ...user("rocketmq-admin", "admin-secret-1", true), topicPermissions: { Orders: "pub" } }],
    });
    expect(msg).toContain(
      '[props/value] accessControl.users[0].topicPermissions.Orders is "pub", not one of AclPermission.DENY ("DENY"), AclPermission.PUB ("PUB"), AclPermission.SUB ("SUB"), AclPermission.PUB_SUB ("PUB|SUB")',
    );
    expect(msg).toContain('Did you mean "PUB"?');
  });

  test("ACL 1.0 cannot white-list a slave's master named by DNS", () => {
    const msg = synthError((s) => {
      const h1 = new DockerHost(s, "h1", { address: "rmq-1.example.com", dockerHost: "ssh://ops@rmq-1.example.com" });
      const h2 = new DockerHost(s, "h2", { address: "10.0.0.2", dockerHost: "ssh://ops@10.0.0.2" });
      const cluster = new RocketMqCluster(s, "rmq", {
        version: RocketMqVersion.V4_9_8,
        accessControl: { users: [user("rocketmq-admin", "admin-secret-1", true)] },
      });
      new NameServer(cluster, "ns", { host: h1 });
      new BrokerPair(cluster, "a", { master: { host: h1 }, slaves: [{ host: h2 }] });
    });
    expect(msg).toContain("[stack/h1] [acl/whitelist] the broker host stack/h1 is named rmq-1.example.com, not by IP");
  });

  test("aclEnable as an extra property is the construct's: accessControl says it", () => {
    const msg = synthError((s) => {
      const h = new DockerHost(s, "h1", { address: "10.0.0.1", dockerHost: "ssh://ops@10.0.0.1" });
      const cluster = new RocketMqCluster(s, "rmq", {
        version: RocketMqVersion.V4_9_8,
        brokerProperties: { aclEnable: true },
      });
      new NameServer(cluster, "ns", { host: h });
      new DLedgerGroup(cluster, "g", {
        peers: [{ host: h }, { host: h, listenPort: 20911 }, { host: h, listenPort: 30911 }],
      });
    });
    expect(msg).toContain("[keys/owned]");
    expect(msg).toContain(
      "RocketMqCluster accessControl (ACL 1.0 up to 5.3.2; on 5.3.3 and later aclEnable is read by nothing)",
    );
  });
});

/** A name server and a master on one VM, an admin whose secret is a sensitive variable: the JSON and the user-data. */
function oneVm(version: RocketMqVersion): { json: any; doc: any } {
  let vm: VmHost | undefined;
  const json = synth((s) => {
    vm = new VmHost(s, "vm", { address: "10.0.0.1" });
    const adminSecret = new TerraformVariable(s, "adminSecret", { type: "string", sensitive: true }).stringValue;
    const cluster = new RocketMqCluster(s, "rmq", {
      version,
      accessControl: { users: [{ name: "rocketmq-admin", secret: adminSecret, admin: true }] },
    });
    new NameServer(cluster, "ns", { host: vm });
    new BrokerPair(cluster, "a", { master: { host: vm } });
  });
  return { json, doc: parse(vm!.renderUserData()) };
}

describe("ACL 1.0 on VMs", () => {
  test("the file beside the process's others, found relative to the distribution; the user-data output is sensitive", () => {
    const { json, doc } = oneVm(RocketMqVersion.V4_9_8);
    const acl = doc.write_files.find((f: any) => f.path === "/etc/rocketmq/defaultcluster-a-0/plain_acl.yml");
    expect({ owner: acl.owner, permissions: acl.permissions }).toEqual({
      owner: "rocketmq:rocketmq",
      permissions: "0640",
    });
    const unit = doc.write_files.find(
      (f: any) => f.path === "/etc/systemd/system/rocketmq-defaultcluster-a-0.service",
    ).content;
    expect(unit).toContain("-Drocketmq.acl.plain.file=../../../etc/rocketmq/defaultcluster-a-0/plain_acl.yml");
    expect(
      Object.values<any>(json.output).find((o) => String(o.description).startsWith("cloud-init user-data")).sensitive,
    ).toBe(true);
  });
});

describe("ACL 2.0's accounts are rebuilt from plain_acl.yml at every start (the file is their only source)", () => {
  const json = synth((s) => secured(s, { version: RocketMqVersion.V5_5_0 }));

  test("a broker's container removes its store's user and ACL databases, then runs the image's script untouched", () => {
    const command = containers(json)["defaultcluster-broker-a-0"].command as string[];
    expect(command).toEqual([
      "sh",
      "-c",
      `rm -rf -- '/home/rocketmq/store/config/users' '/home/rocketmq/store/config/acls' && exec "$0" "$@"`,
      "sh",
      "mqbroker",
      "-c",
      "/home/rocketmq/conf/broker.properties",
    ]);
    // Name servers keep the image's command as it was.
    expect(containers(json)["defaultcluster-namesrv-ns1"].command).toEqual([
      "sh",
      "mqnamesrv",
      "-c",
      "/home/rocketmq/conf/namesrv.properties",
    ]);
  });

  test("the wrapper really removes the databases and hands the script its arguments (run by a real sh)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "acl2-reset-"));
    try {
      const store = path.join(dir, "store");
      for (const d of ["config/users", "config/acls", "commitlog"])
        fs.mkdirSync(path.join(store, d), { recursive: true });
      fs.writeFileSync(path.join(dir, "mqbroker"), 'echo "args:$*"\n');
      const command = (containers(json)["defaultcluster-broker-a-0"].command as string[]).map((a) =>
        a.split("/home/rocketmq/store").join(store),
      );
      const out = execFileSync(command[0], command.slice(1), { cwd: dir, encoding: "utf8" });
      expect(out.trim()).toBe("args:-c /home/rocketmq/conf/broker.properties");
      expect(fs.readdirSync(path.join(store, "config"))).toEqual([]);
      expect(fs.existsSync(path.join(store, "commitlog"))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test("on a VM the unit removes them first (ExecStartPre), in the VM's store directory", () => {
    const { doc } = oneVm(RocketMqVersion.V5_5_0);
    const unit: string = doc.write_files.find(
      (f: any) => f.path === "/etc/systemd/system/rocketmq-defaultcluster-a-0.service",
    ).content;
    expect(unit).toContain(
      "\nExecStartPre=/bin/rm -rf -- /var/lib/rocketmq/defaultcluster-a-0/config/users /var/lib/rocketmq/defaultcluster-a-0/config/acls\nExecStart=",
    );
  });

  test("the change report says a changed account file rebuilds the accounts at the next start", () => {
    const before = synth((s) => secured(s, { version: RocketMqVersion.V5_5_0 }));
    const after = synth((s) => secured(s, { version: RocketMqVersion.V5_5_0, appSecret: "another-app-secret" }));
    const report = renderImpact([changeImpact("stack", dockerStackChanges(before, after))]);
    expect(report).toContain(
      "plain_acl.yml changed (it holds secrets: its content is not shown); ACL 2.0: each broker rebuilds its accounts from it when it starts again",
    );
    expect(report).not.toContain("another-app-secret");
  });
});
