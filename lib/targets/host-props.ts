import { addressFinding } from "../core/rules/hosts";
import { IConstruct } from "constructs";
import { isToken, PropsReader, Raw } from "../input/reader";
import { field, Field, Read, readConstructProps, Schema } from "../input/schema";

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
