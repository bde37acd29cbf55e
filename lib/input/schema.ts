/**
 * One schema per Props interface: for every prop, how an untyped value is read (its type check, the literal it must
 * be, its example), written once beside the interface. `Schema<P>` has exactly the keys of `P`, so the compiler
 * rejects a schema that misses a prop or invents one; the unknown-prop check, its "did you mean" hint and the type
 * messages are all derived from it (`readProps`).
 */
import { PropertyValue } from "../core/model";
import { LITERAL, PropsReader, Raw } from "./reader";

/** What reading a prop may need beyond the value: the construct it belongs to (a host must be in its stack). */
export interface ReadContext {
  /** The construct whose props are read. */
  readonly scope: unknown;
}

/** How one prop is read. `read` returns undefined for an absent or refused value (a refusal is one finding). */
export interface Field<T> {
  read(r: PropsReader, o: Raw, prop: string, ctx: ReadContext): T | undefined;
}

/** A schema of `P`: a Field for each of its props, none missing and none more (the compiler checks both). */
export type Schema<P> = { readonly [K in keyof P]-?: Field<NonNullable<P[K]>> };

/** The props as read: every value of the right type, refused ones left out. */
export type Read<P> = { -readonly [K in keyof P]?: NonNullable<P[K]> };

/**
 * Reads `raw` (the props object, already checked to be an object) with `schema`: an unknown prop is refused with the
 * closest known name, then each prop is read by its field, in the schema's order.
 */
export function readProps<P>(schema: Schema<P>, o: Raw, r: PropsReader, ctx: ReadContext): Read<P> {
  const keys = Object.keys(schema) as (keyof P & string)[];
  r.known(o, keys);
  const out: Read<P> = {};
  for (const key of keys) {
    const value = (schema[key] as Field<unknown>).read(r, o, key, ctx);
    if (value !== undefined) out[key] = value as NonNullable<P[typeof key]>;
  }
  return out;
}

/** Reads the props object of a construct (`what` names it in messages) with its schema. */
export function readConstructProps<P>(
  schema: Schema<P>,
  raw: unknown,
  r: PropsReader,
  ctx: ReadContext,
  opts: { readonly what: string; readonly required: boolean; readonly example: string },
): { readonly props: Read<P>; readonly raw: Raw } {
  const o = r.object(raw, opts.what, opts.required, opts.example);
  return { props: readProps(schema, o, r, ctx), raw: o };
}

/** The generic fields; a construct layer adds its own (a host, a store) as Field implementations. */
export const field = {
  /** A string; a Terraform token is refused when `literal` says why a literal is needed. */
  string(opts: { literal?: string; example?: string; required?: boolean } = {}): Field<string> {
    return { read: (r, o, prop) => r.string(o, prop, opts) };
  },
  /** A name the library derives other names from (container and volume names, brokerName). */
  name(example: string): Field<string> {
    return field.string({ literal: LITERAL.name, example: JSON.stringify(example) });
  },
  /** An id written into every member's configuration (selfId, dLegerGroup). */
  id(example: string): Field<string> {
    return field.string({ literal: LITERAL.id, example: JSON.stringify(example) });
  },
  /** A whole number. */
  integer(literal: string, example: number, required = false): Field<number> {
    return { read: (r, o, prop) => r.integer(o, prop, { literal, example, required }) };
  },
  /** A TCP port. */
  port(example: number): Field<number> {
    return field.integer(LITERAL.port, example);
  },
  /** A size in MiB. */
  size(example: number): Field<number> {
    return field.integer(LITERAL.size, example);
  },
  boolean(): Field<boolean> {
    return { read: (r, o, prop) => r.boolean(o, prop) };
  },
  /** One of the values of the string enum `e` (named `enumName` in messages, with its members' own names). */
  enumOf<T extends string>(e: Readonly<Record<string, T>>, enumName: string): Field<T> {
    const values = Object.values(e);
    const members = new Map(Object.entries(e).map(([member, value]) => [value, member]));
    return { read: (r, o, prop) => r.oneOf(o, prop, values, enumName, (v) => members.get(v) ?? v) };
  },
  /** One of an enum's values (RocketMQ's spellings); `enumName` names the enum in messages. */
  oneOf<T extends string>(values: readonly T[], enumName?: string): Field<T> {
    return { read: (r, o, prop) => r.oneOf(o, prop, values, enumName) };
  },
  /** Extra RocketMQ properties, checked later against the key catalogue; keys whose value is a token are recorded. */
  properties(): Field<Readonly<Record<string, PropertyValue>>> {
    return {
      read: (r, o, prop) => {
        if (o[prop] === undefined || o[prop] === null) return undefined;
        return r.properties(o, prop).values;
      },
    };
  },
  /** A nested object prop read with its own schema (`jvm`), its props named `jvm.heapMb` in messages. */
  object<P>(schema: Schema<P>, example: string, check?: (value: Read<P>, r: PropsReader) => Read<P>): Field<P> {
    return {
      read: (r, o, prop, ctx) => {
        const raw = r.objectProp(o, prop, example);
        if (!raw) return undefined;
        const value = readProps(schema, raw, r.nested(prop), ctx);
        return (check ? check(value, r) : value) as P;
      },
    };
  },
  /**
   * An array whose elements the construct reads itself, one by one at their own construct paths (a set's members):
   * here only that it is an array.
   */
  members<E>(example: string, required = false): Field<E[]> {
    return { read: (r, o, prop) => r.array(o, prop, { example, required }) as E[] };
  },
  /** An array of literal strings (java options). */
  strings(example: string): Field<string[]> {
    return {
      read: (r, o, prop) => {
        if (o[prop] === undefined || o[prop] === null) return undefined;
        return r.strings(o, prop, example);
      },
    };
  },
  /** An instance of `cls`, made by its static factories (no unions in public props). */
  instance<T>(cls: { readonly prototype: T; readonly name: string }, example: string): Field<T> {
    return { read: (r, o, prop) => r.instance(o, prop, cls, example) };
  },
};
