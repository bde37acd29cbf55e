/**
 * Reads the raw props of a construct as an untyped caller (JavaScript, JSON, a spread object) may pass them, before
 * anything else reads them: every value of the wrong type, outside a fixed set of values, an unresolved Terraform
 * token where the library needs a literal, or an unknown prop name becomes one finding on the construct, and the
 * reader hands back a value that cannot make the library throw (the prop's default). Nothing here throws.
 *
 * Rules: `props/required`, `props/type`, `props/value` (not one of a fixed set), `props/token` (a token where a literal
 * is needed), `props/unknown` (a prop the construct does not have), `props/unresolved` (a warning: a token that flows
 * into the output, with the checks it skips).
 */
import { Token } from "cdktf";
import { error, Finding, warning } from "../core/findings";
import { PropertyValue } from "../core/model";
import { suggestKeys } from "../core/versions/check-properties";

/** A props object as an untyped caller passes it. */
export type Raw = Record<string, unknown>;

/** A value as a message shows it: strings quoted, objects by kind. */
export function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean" || typeof value === "bigint") return String(value);
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "function") return "a function";
  return "an object";
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${show(value)}`;
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : `the number ${value}`;
  if (value instanceof Map) return "a Map (its entries are not read as settings: pass Object.fromEntries(map))";
  if (value instanceof Set) return "a Set";
  if (typeof value === "object") {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)?.constructor?.name;
    return name && name !== "Object" ? `an instance of ${name}` : "an object";
  }
  return `a ${typeof value}`;
}

export function isToken(value: unknown): boolean {
  try {
    return (
      (typeof value === "string" || typeof value === "number" || (typeof value === "object" && value !== null)) &&
      Token.isUnresolved(value)
    );
  } catch {
    return false;
  }
}

/**
 * An object whose own keys are its entries: not an array, and not a collection whose entries are elsewhere (a Map or
 * a Set reads as an object without keys: its settings would be lost without a word), a date or a pattern.
 */
export function isPlainObject(value: unknown): value is Raw {
  return (
    typeof value === "object" &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Map || value instanceof Set || value instanceof WeakMap || value instanceof WeakSet) &&
    !(value instanceof Date || value instanceof RegExp || value instanceof Promise || ArrayBuffer.isView(value))
  );
}

/**
 * Characters that end a field in a file the library writes: a newline or another C0 control character, DEL, and the
 * Unicode line and paragraph separators. Written into a properties file, a systemd unit, a cloud-init document or a
 * shell line, one would end its field and start another (`"-Xss1m\nUser=root"` in a unit).
 */
// eslint-disable-next-line no-control-regex -- the control characters are what this finds
const FIELD_BREAKING = /[\u0000-\u001f\u007f\u2028\u2029]/;

/** Where the first field-breaking character of `value` is and what it is (never the value: it may be a secret). */
export function fieldBreak(value: string): string | undefined {
  const m = FIELD_BREAKING.exec(value);
  if (!m) return undefined;
  const code = m[0].charCodeAt(0);
  const name =
    code === 10
      ? "a newline"
      : code === 13
        ? "a carriage return"
        : code === 0
          ? "a NUL"
          : code === 9
            ? "a tab"
            : "a control character";
  return `${name} (U+${code.toString(16).toUpperCase().padStart(4, "0")}) at position ${m.index + 1} of ${value.length}`;
}

/** Why a literal is needed, per kind of value, for `props/token` messages. */
export const LITERAL = {
  port: "the library derives the ports a process opens from it and checks them for collisions on the machine at synth",
  id: "the library writes it into every member's configuration and checks it against the others at synth",
  name: "the library derives container and volume names and RocketMQ names from it and checks them at synth",
  size: "the library sizes the JVM and the container's memory limit from it and checks them at synth",
  store: "the library checks at synth that no two processes share a store",
  version: "the version picks the key catalogue and the version rules at synth",
  choice: "it decides what the library generates at synth",
} as const;

/**
 * One construct's props. `path` is where the findings go; `label` names the props in messages (`master`, `slaves[1]`)
 * when they are a member of the construct's props rather than its own.
 */
export class PropsReader {
  /** Set when the props object itself was missing or not an object: that one error says it, nothing more is required. */
  private refusedObject = false;
  /** Keys of the extra-properties props read so far whose value is a Terraform expression, by prop (`properties`). */
  readonly unresolvedProperties: Map<string, string[]>;

  constructor(
    readonly path: string,
    private readonly label = "",
    readonly findings: Finding[] = [],
    unresolvedProperties?: Map<string, string[]>,
  ) {
    this.unresolvedProperties = unresolvedProperties ?? new Map<string, string[]>();
  }

  /** A missing required prop (unless the props object itself was refused: that error already says it). */
  required(message: string, fix: string): undefined {
    if (!this.refusedObject) this.err("props/required", message, fix);
    return undefined;
  }

  /** A reader for an object prop (`jvm`, `store`) whose findings join this one's, its props named `jvm.heapMb`. */
  nested(prop: string): PropsReader {
    return new PropsReader(this.path, this.name(prop), this.findings, this.unresolvedProperties);
  }

  /** An object-valued prop: undefined when absent; anything but an object is an error and reads as absent. */
  objectProp(o: Raw, prop: string, example: string): Raw | undefined {
    const v = o[prop];
    if (v === undefined || v === null) return undefined;
    if (isToken(v) || !isPlainObject(v)) {
      this.err(
        "props/type",
        `${this.name(prop)} is ${isToken(v) ? "a Terraform expression" : kind(v)}, not an object.`,
        `Set ${this.name(prop)} to an object, e.g. ${this.name(prop)}: ${example}.`,
      );
      return undefined;
    }
    return v;
  }

  /** The prop as messages name it: `jvm.heapMb`, `inNameServers[0].nameServer`. */
  name(prop: string): string {
    return this.label ? `${this.label}.${prop}` : prop;
  }

  private err(rule: string, message: string, fix: string): undefined {
    this.findings.push(error(this.path, rule, message, fix));
    return undefined;
  }

  /** True when any error was found. */
  get failed(): boolean {
    return this.findings.some((f) => f.severity === "error");
  }

  /** The props object itself: a missing one is `{}` when optional; anything else that is not an object is an error. */
  object(value: unknown, what: string, required: boolean, example: string): Raw {
    if (value === undefined || value === null) {
      if (required) {
        this.err(
          "props/required",
          `${what} needs its props (${example}), and got ${kind(value)}.`,
          `Pass the props: ${example}.`,
        );
        this.refusedObject = true;
      }
      return {};
    }
    if (!isPlainObject(value)) {
      this.err("props/type", `The props of ${what} are ${kind(value)}, not an object.`, `Pass an object: ${example}.`);
      this.refusedObject = true;
      return {};
    }
    return value;
  }

  /** Props this construct does not have: a misspelt one would be ignored without a word. */
  known(o: Raw, props: readonly string[]): void {
    for (const key of Object.keys(o)) {
      if (props.includes(key) || o[key] === undefined) continue;
      const close = suggestKeys(key, props, 1);
      this.err(
        "props/unknown",
        `${this.name(key)} is not a prop of this construct and would be ignored.${close.length > 0 ? ` Did you mean ${this.name(close[0])}?` : ""} Its props are ${props.join(", ")}.`,
        close.length > 0 ? `Rename ${this.name(key)} to ${this.name(close[0])}.` : `Remove ${this.name(key)}.`,
      );
    }
  }

  /** A string prop. A token is refused when `literal` says why a literal is needed, else it flows through (see unresolved). */
  string(
    o: Raw,
    prop: string,
    opts: { literal?: string; required?: boolean; example?: string } = {},
  ): string | undefined {
    const v = o[prop];
    if (v === undefined || v === null) {
      if (opts.required)
        return this.required(
          `${this.name(prop)} is required and got ${kind(v)}.`,
          `Set ${this.name(prop)}, e.g. ${this.name(prop)}: ${opts.example ?? '"..."'}.`,
        );
      return undefined;
    }
    if (typeof v !== "string")
      return this.err(
        "props/type",
        `${this.name(prop)} is ${kind(v)}, not a string.`,
        `Set ${this.name(prop)} to a string, e.g. ${this.name(prop)}: ${opts.example ?? JSON.stringify(show(v).replace(/^"|"$/g, ""))}.`,
      );
    if (opts.literal && isToken(v)) return this.token(prop, opts.literal);
    return this.unbroken(prop, v);
  }

  /**
   * A string value that reaches a generated file whole, or an error: a field-breaking character would end its field
   * (`props/control-character`). The message says where, never what the value is.
   */
  unbroken(prop: string, v: string): string | undefined {
    const brk = fieldBreak(v);
    if (!brk) return v;
    return this.err(
      "props/control-character",
      `${this.name(prop)} contains ${brk}: written into a properties file, a systemd unit, a cloud-init document or a shell line, it would end the field and start another.`,
      `Remove the character from ${this.name(prop)} (one value per prop; for several JVM options, one array element each).`,
    );
  }

  /** A whole-number prop (a port, an id, a size in MiB). */
  integer(o: Raw, prop: string, opts: { literal: string; example: number; required?: boolean }): number | undefined {
    const v = o[prop];
    if (v === undefined || v === null) {
      if (opts.required)
        return this.required(
          `${this.name(prop)} is required.`,
          `Set ${this.name(prop)}, e.g. ${this.name(prop)}: ${opts.example}.`,
        );
      return undefined;
    }
    if (isToken(v)) return this.token(prop, opts.literal);
    if (typeof v === "string" && /^\s*-?\d+\s*$/.test(v)) {
      return this.err(
        "props/type",
        `${this.name(prop)} is ${kind(v)}, not a number.`,
        `Write ${this.name(prop)}: ${v.trim()} (a number, without quotes).`,
      );
    }
    if (typeof v !== "number")
      return this.err(
        "props/type",
        `${this.name(prop)} is ${kind(v)}, not a number.`,
        `Set ${this.name(prop)} to a whole number, e.g. ${this.name(prop)}: ${opts.example}.`,
      );
    if (Number.isNaN(v))
      return this.err(
        "props/type",
        `${this.name(prop)} is NaN, not a number (often a failed Number(...) or parseInt of a missing setting).`,
        `Set ${this.name(prop)} to a whole number, e.g. ${this.name(prop)}: ${opts.example}.`,
      );
    if (!Number.isInteger(v)) {
      const near = Number.isFinite(v) ? Math.round(v) : opts.example;
      return this.err(
        "props/type",
        `${this.name(prop)} is ${v}, not a whole number.`,
        `Set ${this.name(prop)} to a whole number, e.g. ${this.name(prop)}: ${near}.`,
      );
    }
    return v;
  }

  boolean(o: Raw, prop: string): boolean | undefined {
    const v = o[prop];
    if (v === undefined || v === null) return undefined;
    if (isToken(v)) return this.token(prop, LITERAL.choice);
    if (typeof v !== "boolean") {
      const meant = typeof v === "string" && /^\s*(true|false)\s*$/i.test(v) ? v.trim().toLowerCase() : "true";
      return this.err(
        "props/type",
        `${this.name(prop)} is ${kind(v)}, not a boolean (any non-empty string would read as true).`,
        `Write ${this.name(prop)}: ${meant} (without quotes).`,
      );
    }
    return v;
  }

  /**
   * A prop with a fixed set of values (an enum, whose values are RocketMQ's spellings). Another case of an allowed
   * value is refused too. `enumName` names the enum in messages (`Replication.SYNC`), for typed languages.
   */
  oneOf<T extends string>(
    o: Raw,
    prop: string,
    values: readonly T[],
    enumName?: string,
    memberOf: (value: T) => string = (x) => x.toUpperCase(),
  ): T | undefined {
    const v = o[prop];
    if (v === undefined || v === null) return undefined;
    if (isToken(v)) return this.token(prop, LITERAL.choice);
    const list = values
      .map((x) => (enumName ? `${enumName}.${memberOf(x)} (${JSON.stringify(x)})` : JSON.stringify(x)))
      .join(", ");
    if (typeof v !== "string")
      return this.err(
        "props/type",
        `${this.name(prop)} is ${kind(v)}, not one of ${list}.`,
        `Set ${this.name(prop)} to one of ${list}.`,
      );
    if ((values as readonly string[]).includes(v)) return v as T;
    const match = values.find((x) => x.toLowerCase() === v.trim().toLowerCase());
    this.err(
      "props/value",
      `${this.name(prop)} is ${show(v)}, not one of ${list} (the values are exact, case included).${match ? ` Did you mean ${JSON.stringify(match)}?` : ""}`,
      match
        ? `Write ${this.name(prop)}: ${enumName ? `${enumName}.${memberOf(match)} (in JavaScript or JSON: ${JSON.stringify(match)})` : JSON.stringify(match)}.`
        : `Set ${this.name(prop)} to one of ${list}.`,
    );
    // The meaning is clear when only the case differs: the rules then check what was meant.
    return match;
  }

  /** An array prop; anything else is an error and reads as empty. */
  array(o: Raw, prop: string, opts: { required?: boolean; example: string }): unknown[] {
    const v = o[prop];
    if (v === undefined || v === null) {
      if (opts.required)
        this.required(`${this.name(prop)} is required and got ${kind(v)}.`, `Set ${this.name(prop)}: ${opts.example}.`);
      return [];
    }
    if (isToken(v)) {
      this.token(prop, "the library creates one process per element at synth");
      return [];
    }
    if (!Array.isArray(v)) {
      this.err(
        "props/type",
        `${this.name(prop)} is ${kind(v)}, not an array.`,
        `Set ${this.name(prop)} to an array: ${opts.example}.`,
      );
      return [];
    }
    return v;
  }

  /** Extra RocketMQ properties: an object of string, number or boolean values (checked later against the key catalogue). */
  properties(o: Raw, prop: string): { values: Record<string, PropertyValue>; unresolved: string[] } {
    const v = o[prop];
    if (v === undefined || v === null) return { values: {}, unresolved: [] };
    if (!isPlainObject(v) || isToken(v)) {
      this.err(
        "props/type",
        `${this.name(prop)} is ${isToken(v) ? "a Terraform expression" : kind(v)}, not an object of settings.`,
        `Set ${this.name(prop)} to an object, e.g. ${this.name(prop)}: { deleteWhen: "04" }.`,
      );
      return { values: {}, unresolved: [] };
    }
    const unresolved = Object.keys(v).filter((k) => isToken(v[k]));
    this.unresolvedProperties.set(this.name(prop), unresolved);
    if (unresolved.length > 0) {
      this.findings.push(
        warning(
          this.path,
          "props/unresolved",
          `${this.name(prop)} ${unresolved.join(", ")} ${unresolved.length === 1 ? "is a Terraform expression" : "are Terraform expressions"}: the value is written into the file as Terraform resolves it, and the library cannot check that RocketMQ parses it (keys/bad-value) or where a path points (stores/key-path).`,
          `Use a literal value to have it checked at synth.`,
        ),
      );
    }
    // Escaped in a properties file, but no setting of RocketMQ means a line break or a control character.
    const values: Record<string, PropertyValue> = {};
    for (const [key, value] of Object.entries(v)) {
      if (typeof value === "string" && !isToken(value) && this.unbroken(`${prop}.${key}`, value) === undefined)
        continue;
      values[key] = value as PropertyValue;
    }
    return { values, unresolved };
  }

  /** An array of literal strings; anything else is an error and reads as absent. */
  strings(o: Raw, prop: string, example: string): string[] | undefined {
    const v = this.array(o, prop, { example });
    if (!Array.isArray(o[prop])) return undefined;
    const bad = v.filter((x) => typeof x !== "string" || isToken(x));
    if (bad.length > 0) {
      return this.err(
        "props/type",
        `${this.name(prop)} has ${bad.length} element(s) that are not literal strings: each is written into the output at synth.`,
        `Set ${this.name(prop)} to strings, e.g. ${this.name(prop)}: ${example}.`,
      );
    }
    const whole = (v as string[]).map((x, i) => this.unbroken(`${prop}[${i}]`, x));
    return whole.every((x) => x !== undefined) ? whole : undefined;
  }

  /** An array of TCP ports (whole numbers from 1 to 65535), each a literal: `why` says what the library does with them. */
  portList(o: Raw, prop: string, example: string, why: string): number[] | undefined {
    const v = o[prop];
    if (v === undefined || v === null) return undefined;
    if (isToken(v)) return this.token(prop, why);
    const list = this.array(o, prop, { example });
    if (!Array.isArray(v)) return undefined;
    const bad = list
      .map((x, i) => ({ x, i }))
      .filter(({ x }) => typeof x !== "number" || isToken(x) || !Number.isInteger(x) || x < 1 || x > 65535);
    if (bad.length > 0)
      return this.err(
        "props/type",
        `${this.name(prop)} has element(s) that are not ports: ${bad.map(({ x, i }) => `[${i}] ${typeof x === "number" && isToken(x) ? "a Terraform expression" : kind(x)}`).join(", ")}. A port is a whole number from 1 to 65535, written as a literal: ${why}.`,
        `Set ${this.name(prop)} to literal port numbers, e.g. ${this.name(prop)}: ${example}.`,
      );
    return list as number[];
  }

  /** A prop that must be an instance of `cls` (made by its static factories). */
  instance<T>(
    o: Raw,
    prop: string,
    cls: { readonly prototype: T; readonly name: string },
    example: string,
  ): T | undefined {
    const v = o[prop];
    if (v === undefined || v === null) return undefined;
    if (typeof v === "object" && Object.prototype.isPrototypeOf.call(cls.prototype, v)) return v as T;
    return this.err(
      "props/type",
      `${this.name(prop)} is ${isToken(v) ? "a Terraform expression" : kind(v)}, not a ${cls.name} (made by its static methods).`,
      `Set ${this.name(prop)}: ${example}.`,
    );
  }

  /** A prop whose value is a token where the library needs a literal. */
  token(prop: string, why: string): undefined {
    return this.err(
      "props/token",
      `${this.name(prop)} is a Terraform expression (an unresolved token), but it must be a literal value: ${why}.`,
      `Set ${this.name(prop)} to a literal value in the program (a variable's value is known only when Terraform runs).`,
    );
  }

  /** A token that can flow into the output: a warning that names the checks it skips. */
  unresolved(prop: string, skipped: string): void {
    this.findings.push(
      warning(
        this.path,
        "props/unresolved",
        `${this.name(prop)} is a Terraform expression: it is written into the output as Terraform resolves it, and the library cannot check ${skipped}.`,
        `Use a literal ${this.name(prop)} to have it checked at synth.`,
      ),
    );
  }
}

/** The findings of a member's props (a master, a slave, a peer) moved to the member's own construct path. */
export function moveTo(findings: readonly Finding[], path: string): Finding[] {
  return findings.map((f) => ({ ...f, path }));
}
