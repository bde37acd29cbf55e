import { Fn } from "cdktf";
import { error, warning } from "../core/findings";
import { AccessControlModel, SecretModel } from "../core/model";
import { compareVersions, parseVersion } from "../core/versions/catalogue";
import { isToken, PropsReader } from "../input/reader";
import { Field, field, Read, readProps, Schema } from "../input/schema";

/** What an account may do with a topic or a consumer group. */
export enum AclPermission {
  /** Nothing. */
  DENY = "DENY",
  /** Send to the topic. */
  PUB = "PUB",
  /** Consume the topic, or consume with the group. */
  SUB = "SUB",
  /** Both. */
  PUB_SUB = "PUB|SUB",
}

/** Which of RocketMQ's two access control systems enforces the accounts. */
export enum AclVersion {
  /** ACL 1.0: `aclEnable` and `plain_acl.yml`, read by brokers from 4.4.0 to 5.3.2 (gone in 5.3.3). */
  V1 = "1.0",
  /** ACL 2.0: the authentication and authorization providers, from 5.3.0. */
  V2 = "2.0",
}

/** One account of a cluster. */
export interface AclUserProps {
  /** The account's name (ACL 1.0's accessKey, ACL 2.0's username): more than 6 characters, RocketMQ refuses less. */
  readonly name: string;
  /**
   * Its secret (ACL 1.0's secretKey, ACL 2.0's password): more than 6 characters. Pass a Terraform variable marked
   * sensitive (`new TerraformVariable(stack, "appSecret", { type: "string", sensitive: true }).stringValue`) or any
   * token (a secret manager's data source): a literal string is written in plain text into the synthesized output and
   * the Terraform state, and is warned about (`secrets/literal`).
   */
  readonly secret: string;
  /**
   * An administrator: may create and update topics and groups (ACL 1.0's `admin`; ACL 2.0's super user).
   * @default false
   */
  readonly admin?: boolean;
  /**
   * Permissions on named topics.
   * @default none: the default topic permission for every topic
   */
  readonly topicPermissions?: Record<string, AclPermission>;
  /**
   * Permissions on named consumer groups.
   * @default none: the default group permission for every group
   */
  readonly groupPermissions?: Record<string, AclPermission>;
  /**
   * The permission on a topic not named in `topicPermissions`.
   * @default AclPermission.DENY
   */
  readonly defaultTopicPermission?: AclPermission;
  /**
   * The permission on a group not named in `groupPermissions`.
   * @default AclPermission.SUB (RocketMQ's own example)
   */
  readonly defaultGroupPermission?: AclPermission;
}

/** Access control of a cluster: every client must sign with one of these accounts. */
export interface AccessControlProps {
  /** The accounts. At least one is an admin: the library's own processes sign with it. */
  readonly users: AclUserProps[];
  /**
   * The admin account the library's own processes sign with (slaves, proxies, the console).
   * @default the first admin of `users`
   */
  readonly systemUser?: string;
  /**
   * Which access control system enforces the accounts.
   * @default from the cluster's version: AclVersion.V1 before 5.3.0, AclVersion.V2 from 5.3.0 (5.3.0 to 5.3.2 read both)
   */
  readonly version?: AclVersion;
}

const PERMISSION = field.enumOf(AclPermission, "AclPermission");

/** A name → permission object: names checked as the rest of the props, permissions as the enum. */
const PERMISSION_MAP: Field<Record<string, AclPermission>> = {
  read(r, o, prop) {
    const v = o[prop];
    if (v === undefined || v === null) return undefined;
    const raw = r.objectProp(o, prop, '{ "orders": AclPermission.PUB_SUB }');
    if (!raw) return undefined;
    const n = r.nested(prop);
    const out: Record<string, AclPermission> = {};
    for (const name of Object.keys(raw)) {
      if (n.unbroken("(a name)", name) === undefined) continue;
      const perm = PERMISSION.read(n, raw, name, { scope: undefined });
      if (perm !== undefined) out[name] = perm;
    }
    return out;
  },
};

/** A secret: a token (its value is Terraform's) or a literal (warned about, its length checked, never shown). */
const SECRET: Field<string> = {
  read(r, o, prop) {
    const v = o[prop];
    if (v === undefined || v === null)
      return r.required(
        `${r.name(prop)} is required.`,
        `Set ${r.name(prop)} to a sensitive Terraform variable's value.`,
      );
    if (typeof v !== "string") {
      r.findings.push(
        error(
          r.path,
          "props/type",
          `${r.name(prop)} is not a string (its value is not shown).`,
          `Set ${r.name(prop)} to a string: a sensitive Terraform variable's value.`,
        ),
      );
      return undefined;
    }
    return isToken(v) ? v : r.unbroken(prop, v);
  },
};

const USER_SCHEMA: Schema<AclUserProps> = {
  name: field.string({
    required: true,
    literal: "the library writes it into every broker's access control at synth",
    example: '"orders-app"',
  }),
  secret: SECRET,
  admin: field.boolean(),
  topicPermissions: PERMISSION_MAP,
  groupPermissions: PERMISSION_MAP,
  defaultTopicPermission: PERMISSION,
  defaultGroupPermission: PERMISSION,
};

const ACCESS_CONTROL_SCHEMA: Schema<AccessControlProps> = {
  users: field.members('[{ name: "orders-admin", secret: adminSecret.stringValue, admin: true }]', true),
  systemUser: field.string({ literal: "the library's own processes sign with it at synth", example: '"orders-admin"' }),
  version: field.enumOf(AclVersion, "AclVersion"),
};

/** The `accessControl` prop of a cluster. */
export const ACCESS_CONTROL_FIELD: Field<AccessControlProps> = {
  read(r, o, prop, ctx) {
    const raw = r.objectProp(o, prop, '{ users: [{ name: "orders-admin", secret, admin: true }] }');
    if (!raw) return undefined;
    const n = r.nested(prop);
    const read = readProps(ACCESS_CONTROL_SCHEMA, raw, n, ctx);
    const users = (read.users ?? []).flatMap((u, i) => {
      const un = r.nested(`${prop}.users[${i}]`);
      const uo = un.object(u, `${prop}.users[${i}]`, true, "{ name, secret }");
      const user = readProps(USER_SCHEMA, uo, un, ctx);
      return user.name !== undefined && user.secret !== undefined ? [user as AclUserProps] : [];
    });
    return { ...read, users };
  },
};

/**
 * The model of the cluster's access control: the accounts with their secrets as the files need them (a literal
 * JSON-quoted; a token quoted by Terraform at apply, `jsonencode`), and a warning where a secret is a literal.
 */
export function accessControlModel(
  acl: Read<AccessControlProps>,
  clusterPath: string,
  version: string,
  r: PropsReader,
): AccessControlModel {
  const at = `${clusterPath}#accessControl`;
  const users = (acl.users ?? []).map((u, i) => {
    const prop = `accessControl.users[${i}].secret`;
    const secret = secretModel(u.secret, { path: clusterPath, prop });
    if (!secret.unresolved) {
      r.findings.push(
        warning(
          clusterPath,
          "secrets/literal",
          `${prop} (user ${u.name}) is a literal string: it is written in plain text into cdk.tf.json, into the files the brokers read and into the Terraform state.`,
          `Pass a Terraform variable marked sensitive, e.g. secret: new TerraformVariable(stack, "${u.name.replace(/[^A-Za-z0-9_]/g, "_")}Secret", { type: "string", sensitive: true }).stringValue, and encrypt the state (README: Secrets).`,
        ),
      );
    }
    return {
      name: u.name,
      secret,
      admin: u.admin ?? false,
      topicPermissions: u.topicPermissions ?? {},
      groupPermissions: u.groupPermissions ?? {},
      defaultTopicPermission: u.defaultTopicPermission ?? AclPermission.DENY,
      defaultGroupPermission: u.defaultGroupPermission ?? AclPermission.SUB,
    };
  });
  const systemUser = acl.systemUser ?? users.find((u) => u.admin)?.name ?? "";
  // 5.3.0 to 5.3.2 read both: ACL 2.0 unless the user chose 1.0. A malformed version is reported on its own.
  const before530 = parseVersion(version) !== undefined && compareVersions(version, "5.3.0") < 0;
  const chosen = acl.version ?? (before530 ? AclVersion.V1 : AclVersion.V2);
  return { path: at, version: chosen === AclVersion.V1 ? "1.0" : "2.0", users, systemUser };
}

/**
 * The forms of a secret each file needs. A token is quoted by Terraform at apply (`jsonencode`); inside a properties
 * value its backslashes are doubled there too (`replace`), and nested in a JSON string it is encoded twice and loses
 * its outer quotes (`trimprefix`/`trimsuffix`). A literal is JSON-quoted here; the renderers escape it further.
 */
function secretModel(value: string, declared: { path: string; prop: string }): SecretModel {
  if (isToken(value)) {
    return {
      declared,
      yamlScalar: Fn.jsonencode(value),
      text: value,
      propertiesJson: Fn.replace(Fn.jsonencode(value), Fn.rawString("\\\\"), Fn.rawString("\\\\\\\\")),
      nestedJson: Fn.trimsuffix(
        Fn.trimprefix(Fn.jsonencode(Fn.jsonencode(value)), Fn.rawString('"')),
        Fn.rawString('"'),
      ),
      unresolved: true,
    };
  }
  const quoted = JSON.stringify(value);
  return {
    declared,
    yamlScalar: quoted,
    text: value,
    propertiesJson: quoted,
    nestedJson: quoted,
    unresolved: false,
    length: value.length,
  };
}
