import { describe, expect, it } from 'vitest';
import { Problem } from './problem.js';
import { validateBody } from './validation.js';

describe('request validation', () => {
  const schema = {
    type: 'object',
    properties: {
      at: { type: 'string', format: 'date-time' },
      id: { type: 'string', format: 'uuid' },
      email: { type: 'string', format: 'email' },
    },
  };

  it.each([
    ['at', { at: 'yesterday' }, /at must match format "date-time"/],
    ['id', { id: 'not-a-uuid' }, /id must match format "uuid"/],
    ['email', { email: 'nobody' }, /email must match format "email"/],
  ])('checks the %s format', (field, body, message) => {
    let error: unknown;
    try {
      validateBody(schema, body);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Problem);
    expect((error as Problem).field).toBe(field);
    expect((error as Problem).detail).toMatch(message);
  });

  it('accepts well-formed values', () => {
    const body = {
      at: '2026-12-02T01:00:00Z',
      id: '0b8f7c36-6a53-4f5e-9d61-2f0c7a7c3f11',
      email: 'ana@example.com',
    };
    expect(validateBody(schema, body)).toEqual(body);
  });
});
