// Normalising OTLP values to their OTLP/JSON spelling. A protobuf-decoded request spells ids as
// bytes, 64-bit integers as Long and enums as numbers; an OTLP/JSON request spells ids as hex,
// 64-bit integers as strings (or numbers) and enums as numbers (or, leniently, names). Everything
// stored and served is OTLP/JSON: hex ids, int64 as decimal strings, bytes as base64.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export class InvalidItem extends Error {
  override readonly name = 'InvalidItem';
}

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export type AnyValue =
  | { stringValue: string }
  | { boolValue: boolean }
  | { intValue: string }
  | { doubleValue: number }
  | { arrayValue: { values: AnyValue[] } }
  | { kvlistValue: { values: KeyValue[] } }
  | { bytesValue: string }
  | Record<string, never>;

const HEX = /^[0-9a-f]*$/;

/** Hex of an id (bytes, hex or base64); '' when absent or all zero; throws on a wrong length. */
export function hexId(raw: unknown, bytes: number, what: string): string {
  if (raw === undefined || raw === null || raw === '') return '';
  let hex: string;
  if (raw instanceof Uint8Array) hex = Buffer.from(raw).toString('hex');
  else if (typeof raw === 'string') {
    const lower = raw.toLowerCase();
    hex =
      lower.length === bytes * 2 && HEX.test(lower)
        ? lower
        : Buffer.from(raw, 'base64').toString('hex');
  } else throw new InvalidItem(`${what} must be a hex string`);
  if (hex.length === 0 || /^0+$/.test(hex)) return '';
  if (hex.length !== bytes * 2)
    throw new InvalidItem(`${what} must be ${bytes} bytes (${bytes * 2} hex digits)`);
  return hex;
}

/** A 64-bit integer (Long, bigint, number or decimal string) as bigint; 0n when absent. */
export function int64(raw: unknown, what: string): bigint {
  if (raw === undefined || raw === null || raw === '') return 0n;
  if (typeof raw === 'bigint') return raw;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new InvalidItem(`${what} must be an integer`);
    return BigInt(Math.trunc(raw));
  }
  if (typeof raw === 'string') {
    if (!/^-?\d+$/.test(raw)) throw new InvalidItem(`${what} must be an integer, got "${raw}"`);
    return BigInt(raw);
  }
  if (typeof raw === 'object' && 'low' in raw && 'high' in raw) {
    const long = raw as { low: number; high: number; unsigned?: boolean };
    const value = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
    return !long.unsigned && long.high < 0 ? value - (1n << 64n) : value;
  }
  throw new InvalidItem(`${what} must be an integer`);
}

/** A 64-bit count as a JS number (exact up to 2^53, plenty for counts). */
export function count(raw: unknown, what: string): number {
  return Number(int64(raw, what));
}

export function double(raw: unknown, what: string): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string') {
    if (raw === 'NaN') return NaN;
    if (raw === 'Infinity') return Infinity;
    if (raw === '-Infinity') return -Infinity;
    const parsed = Number(raw);
    if (raw.trim() !== '' && !Number.isNaN(parsed)) return parsed;
  }
  throw new InvalidItem(`${what} must be a number`);
}

/** An enum as its number; names (`SPAN_KIND_SERVER`) are accepted too. */
export function enumValue(raw: unknown, names: readonly string[], what: string): number {
  if (raw === undefined || raw === null) return 0;
  if (typeof raw === 'number' && Number.isInteger(raw)) return raw;
  if (typeof raw === 'string') {
    const index = names.indexOf(raw);
    if (index >= 0) return index;
  }
  throw new InvalidItem(`${what} is not a known value: ${JSON.stringify(raw)}`);
}

export function text(raw: unknown, what: string): string {
  if (raw === undefined || raw === null) return '';
  if (typeof raw === 'string') return raw;
  throw new InvalidItem(`${what} must be a string`);
}

export function uint(raw: unknown, what: string): number {
  if (raw === undefined || raw === null) return 0;
  const value = typeof raw === 'string' ? Number(raw) : raw;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new InvalidItem(`${what} must be a non-negative integer`);
}

export function list(raw: unknown, what: string): Loose[] {
  if (raw === undefined || raw === null) return [];
  if (Array.isArray(raw)) return raw;
  throw new InvalidItem(`${what} must be an array`);
}

/** An AnyValue in OTLP/JSON form. */
export function anyValue(raw: Loose, depth = 0): AnyValue {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || depth > 16) throw new InvalidItem('attribute value is malformed');
  if (raw.stringValue != null) return { stringValue: text(raw.stringValue, 'stringValue') };
  if (raw.boolValue != null) return { boolValue: Boolean(raw.boolValue) };
  if (raw.intValue != null) return { intValue: String(int64(raw.intValue, 'intValue')) };
  if (raw.doubleValue != null) return { doubleValue: double(raw.doubleValue, 'doubleValue')! };
  if (raw.arrayValue != null)
    return {
      arrayValue: {
        values: list(raw.arrayValue.values, 'arrayValue').map((v) => anyValue(v, depth + 1)),
      },
    };
  if (raw.kvlistValue != null)
    return { kvlistValue: { values: keyValues(raw.kvlistValue.values, depth + 1) } };
  if (raw.bytesValue != null)
    return {
      bytesValue:
        raw.bytesValue instanceof Uint8Array
          ? Buffer.from(raw.bytesValue).toString('base64')
          : text(raw.bytesValue, 'bytesValue'),
    };
  return {};
}

export function keyValues(raw: unknown, depth = 0): KeyValue[] {
  return list(raw, 'attributes').map((kv: Loose) => {
    if (typeof kv !== 'object' || kv === null || typeof kv.key !== 'string')
      throw new InvalidItem('an attribute has no key');
    return { key: kv.key, value: anyValue(kv.value, depth) };
  });
}

/** The plain JS value of an OTLP/JSON AnyValue (int64 beyond 2^53 stays a string). */
export function plain(value: AnyValue | undefined): unknown {
  if (!value) return null;
  if ('stringValue' in value) return value.stringValue;
  if ('boolValue' in value) return value.boolValue;
  if ('intValue' in value) {
    const n = Number(value.intValue);
    return Number.isSafeInteger(n) ? n : value.intValue;
  }
  if ('doubleValue' in value) return value.doubleValue;
  if ('arrayValue' in value) return value.arrayValue.values.map(plain);
  if ('kvlistValue' in value) return plainAttributes(value.kvlistValue.values);
  if ('bytesValue' in value) return value.bytesValue;
  return null;
}

export function plainAttributes(list: readonly KeyValue[]): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const kv of list) result[kv.key] = plain(kv.value);
  return result;
}

/** An attribute as a string, for index columns and labels ('' when absent). */
export function attributeString(list: readonly KeyValue[], key: string): string | undefined {
  const kv = list.find((a) => a.key === key);
  if (!kv) return undefined;
  const value = plain(kv.value);
  if (value === null || value === undefined) return undefined;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

export function attributeFlag(list: readonly KeyValue[], key: string): boolean {
  const value = attributeString(list, key);
  return value === 'true';
}
