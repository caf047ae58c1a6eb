/**
 * The flat front-matter fast path must read every document it accepts exactly as js-yaml's
 * CORE schema does, and leave every other document to js-yaml.
 */
import fc from 'fast-check';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseFlatYaml } from '../../src/articles/parse.ts';

const PLAIN = [
  'post', 'WORLD', 'en', 'th', '2024-11-20T10:18:06.127Z', '2024-11-20', '2024', '00123', '0x1F', '0o17', '1e3', '+1', '-5', '-',
  '.5', '.inf', '-.inf', '.NaN', '~', 'null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'yes', 'no', 'on', 'off',
  'a b c', '2024-', '2024-a:', '2024-11-20T10:18:06+07:00', '1234-5e3', '2024-11-20 10:18', 'https://x.example/a?b=c', 'x # not a comment?', 'key: value', '3.14', '1_000', '0b101', '(paren)', '/path',
];

const scalar = fc.oneof(
  fc.constantFrom(...PLAIN),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((text) => JSON.stringify(text)),
  fc.string({ maxLength: 8 }).map((text) => `'${text.replace(/'/g, "''")}'`),
  fc.string({ maxLength: 8 }),
  fc.constant(''),
);
const key = fc.constantFrom('title', 'code', 'date', 'tags', 'x-y', '_k', 'a1', 'Title');
const line = fc.oneof(
  fc.tuple(key, scalar).map(([k, v]) => (v === '' ? `${k}:` : `${k}: ${v}`)),
  fc.constantFrom('', '- item', '  nested: 1', '# comment', 'tags: [a, b]', 'a: &x 1', 'b: *x', 'c: |', 'd: !!str 1', '"quoted key": 1'),
);

function load(source: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: yaml.load(source, { schema: yaml.CORE_SCHEMA }) };
  } catch {
    return { ok: false };
  }
}

describe('parseFlatYaml', () => {
  it('agrees with js-yaml (CORE schema) on every document it reads', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 8 }), (lines) => {
        const source = lines.join('\n');
        const fast = parseFlatYaml(source);
        if (fast === undefined) return;
        const reference = load(source);
        expect(reference.ok).toBe(true);
        expect(fast).toEqual(reference.ok ? (reference.value ?? {}) : undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('reads the seed article front matter, and gives up on lists', () => {
    expect(parseFlatYaml('layout: post\ncode: "ART24112010122JGQ5U"\ntitle: ""\ndate: 2024-11-20T10:18:06.127Z')).toEqual({
      layout: 'post',
      code: 'ART24112010122JGQ5U',
      title: '',
      date: '2024-11-20T10:18:06.127Z',
    });
    expect(parseFlatYaml('tags:\n  - a')).toBeUndefined();
    expect(parseFlatYaml('a: 1\na: 2')).toBeUndefined();
  });
});
