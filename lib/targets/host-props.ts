import { addressFinding } from "../core/rules/hosts";
import { error } from "../core/findings";
import { MachineFacts } from "../core/model";
import { IConstruct } from "constructs";
import { isToken, PropsReader, Raw } from "../input/reader";
import { field, Field, Read, readConstructProps, Schema } from "../input/schema";

/**
 * What else takes ports and directories on a host's machine: props every host takes, for clusters deployed from
 * separate apps (or beside other services) onto shared machines.
 */
export interface HostTakenProps {
  /**
   * Ports already in use on the machine by something this app does not declare (a cluster deployed from another app,
   * a service of the machine). No process of the library may open one: a port that is taken, a default one included,
   * is a `ports/collision` whose fix names a free port.
   * @default none
   */
  readonly takenPorts?: number[];
  /**
   * Directories already in use on the machine by something this app does not declare (another app's stores, another
   * service's data). No store of the library's processes may be one of them, be inside one or contain one
   * (`stores/taken`). Absolute paths.
   * @default none
   */
  readonly takenDirectories?: string[];
}

const TAKEN_WHY = "the library checks the machine's ports against them at synth";

/** The schema of HostTakenProps, spread into each host's schema. */
export const TAKEN_FIELDS: Schema<HostTakenProps> = {
  takenPorts: { read: (r, o, prop) => r.portList(o, prop, "[9876, 10911]", TAKEN_WHY) },
  takenDirectories: {
    read: (r, o, prop) => {
      if (o[prop] === undefined || o[prop] === null) return undefined;
      const dirs = r.strings(o, prop, '["/data/rocketmq"]');
      const relative = (dirs ?? []).filter((d) => !d.startsWith("/"));
      if (relative.length === 0) return dirs;
      r.findings.push(
        error(
          r.path,
          "props/type",
          `${r.name(prop)} has path(s) that are not absolute: ${relative.map((d) => JSON.stringify(d)).join(", ")}. A directory of the machine is compared with the stores' absolute host paths.`,
          `Write each as an absolute path, e.g. ${r.name(prop)}: ["/data/rocketmq"].`,
        ),
      );
      return undefined;
    },
  },
};

/** The facts a host adds for its taken ports and directories (none when it declares none). */
export function takenFacts(read: Read<HostTakenProps>): Pick<MachineFacts, "takenPorts" | "takenDirectories"> {
  return {
    ...(read.takenPorts?.length ? { takenPorts: [...read.takenPorts] } : {}),
    ...(read.takenDirectories?.length ? { takenDirectories: [...read.takenDirectories] } : {}),
  };
}

/** A host's `address` prop: a required string (checked further by `checkHostAddress`). */
export const ADDRESS_FIELD: Field<string> = field.string({ required: true, example: '"10.0.0.28"' });

/**
 * A host's `address` as read, checked where it is declared: a literal IPv4/IPv6 address or DNS name (`hosts/address`,
 * reported here so that a host that runs nothing yet is checked too). A Terraform expression is accepted with a
 * warning naming the checks it skips (`skipped`). `unresolved`: the rules may not read it.
 */
export function checkHostAddress(
  r: PropsReader,
  address: string | undefined,
  skipped: string,
): { address: string; unresolved: boolean } {
  if (address === undefined) return { address: "", unresolved: true };
  if (isToken(address)) {
    r.unresolved("address", skipped);
    return { address, unresolved: true };
  }
  const bad = addressFinding(r.path, address);
  if (bad) r.findings.push(bad);
  return { address, unresolved: bad !== undefined };
}

/**
 * Reads a host's props (`{ address, ... }`) with its schema, before anything uses them: an untyped caller gets an
 * error on the host, never a TypeError. The address is checked as `checkHostAddress` does.
 */
export function readHostProps<P extends { readonly address: string }>(
  host: IConstruct,
  props: unknown,
  schema: Schema<P>,
  skipped: string,
): { reader: PropsReader; props: Read<P>; raw: Raw; address: string; unresolved: string[] } {
  const reader = new PropsReader(host.node.path);
  const { props: read, raw } = readConstructProps(
    schema,
    props,
    reader,
    { scope: host },
    {
      what: `${host.constructor.name} ${host.node.id}`,
      required: true,
      example: `{ address: "10.0.0.28" }`,
    },
  );
  const address = checkHostAddress(reader, read.address, skipped);
  return { reader, props: read, raw, address: address.address, unresolved: address.unresolved ? ["address"] : [] };
}
