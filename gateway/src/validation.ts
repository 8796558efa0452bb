// Request bodies are validated against the OpenAPI document's own schemas, so the document and the
// behaviour cannot drift apart. Errors name the field the way a caller writes it: items[0].quantity.
import Ajv2020 from 'ajv/dist/2020.js';
import type { ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import { Problem } from './problem.js';
import { openApiDocument, schemas, type SchemaName } from './openapi.js';

const ajv = new Ajv2020.default({ allErrors: false, strict: false });
// Without this, ajv accepts any string for `format: date-time`, `uuid`, `email`, `uri`...
addFormats.default(ajv);
ajv.addSchema({ $id: 'openapi', components: openApiDocument.components });
const validators = new Map(
  (Object.keys(schemas) as SchemaName[]).map((name) => [
    name,
    ajv.getSchema(`openapi#/components/schemas/${name}`)!,
  ]),
);

function fieldOf(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('')
    .replace(/^\./, '');
  const missing =
    error.keyword === 'required'
      ? (error.params as { missingProperty: string }).missingProperty
      : undefined;
  const extra =
    error.keyword === 'additionalProperties'
      ? (error.params as { additionalProperty: string }).additionalProperty
      : undefined;
  const leaf = missing ?? extra;
  return leaf ? (path ? `${path}.${leaf}` : leaf) : path || '(body)';
}

function describe(error: ErrorObject, field: string): string {
  switch (error.keyword) {
    case 'required':
      return `${field} is required`;
    case 'additionalProperties':
      return `${field} is not a known field`;
    case 'enum':
      return `${field} must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}`;
    default:
      return `${field} ${error.message}`;
  }
}

/** Compiles a JSON Schema with the gateway's settings (formats checked). */
export function compileSchema(schema: object) {
  return ajv.compile(schema);
}

/** Returns the body typed as the schema, or throws a 400 problem naming the first bad field. */
export function validateBody<T>(schema: SchemaName | object, body: unknown): T {
  const validate = typeof schema === 'string' ? validators.get(schema)! : compileSchema(schema);
  if (validate(body)) return body as T;
  const error = validate.errors!.find((e) => e.keyword !== 'if') ?? validate.errors![0]!;
  const field = fieldOf(error);
  throw new Problem('validation', describe(error, field), field);
}
