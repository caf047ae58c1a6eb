import { describe, expect, it } from 'vitest';
import { parseArticleFile } from '../../src/articles/parse.ts';

function parsed(text: string) {
  const result = parseArticleFile('a.md', text);
  if (!result.ok) throw new Error(result.problem.message);
  return result.value;
}

function problem(text: string) {
  const result = parseArticleFile('a.md', text);
  if (result.ok) throw new Error('expected a problem');
  return result.problem;
}

describe('parseArticleFile', () => {
  it('splits YAML front matter from the body', () => {
    expect(parsed('---\ntitle: Hi\ncode: "X"\n---\nBody\n')).toMatchObject({ data: { title: 'Hi', code: 'X' }, body: 'Body\n', bodyLine: 5 });
  });

  it('leaves dates as text, quoted or not, for the normalizer to read in the site time zone', () => {
    expect(parsed('---\na: 2024-11-20T10:18:06.127Z\nb: "2024-11-20"\n---\n').data).toEqual({ a: '2024-11-20T10:18:06.127Z', b: '2024-11-20' });
  });

  it('records the line of every top-level key', () => {
    expect(parsed('---\nlayout: post\ncode: "X"\n"quoted key": 1\n---\n').lines).toEqual({ layout: 2, code: 3, 'quoted key': 4 });
  });

  it('strips a byte-order mark and reads CRLF line ends', () => {
    const value = parsed('\uFEFF---\r\ntitle: Hi\r\n---\r\nLine one\r\nLine two\r\n');
    expect(value.data).toEqual({ title: 'Hi' });
    expect(value.body).toBe('Line one\nLine two\n');
  });

  it('returns fresh data for identical input (no shared cache)', () => {
    const text = '---\ntags: [a]\n---\n';
    const first = parsed(text);
    (first.data.tags as string[]).push('mutated');
    expect(parsed(text).data).toEqual({ tags: ['a'] });
  });

  it.each(['js', 'javascript', 'coffee', 'json', 'toml'])('rejects front matter in "%s" without evaluating it', (language) => {
    const marker = `wirefeedRan_${language}`;
    const text = `---${language}\n{ title: (globalThis.${marker} = true, "x") }\n---\nBody`;
    expect(problem(text)).toEqual({
      path: 'a.md',
      severity: 'error',
      line: 1,
      message: `front matter in "${language}" is not accepted: front matter is data, write it in YAML (or in TOML between "+++" lines, as Hugo does)`,
    });
    expect((globalThis as Record<string, unknown>)[marker]).toBeUndefined();
  });

  describe("Hugo's TOML front matter, between +++ lines", () => {
    const TOML = '+++\ntitle = "Hi"\ncode = "X"\ndate = 2024-11-20T10:18:06+07:00\nlocal = 2024-11-20T10:18:06\nday = 2024-11-20\ntags = ["a", "b"]\ndraft = false\n[author]\nname = "Ann"\n+++\nBody\n';

    it('is split from the body and read as data, its dates and times as their text', () => {
      expect(parsed(TOML)).toMatchObject({
        data: { title: 'Hi', code: 'X', date: '2024-11-20T10:18:06.000+07:00', local: '2024-11-20T10:18:06.000', day: '2024-11-20', tags: ['a', 'b'], draft: false, author: { name: 'Ann' } },
        body: 'Body\n',
        bodyLine: 12,
      });
    });

    it('records the line of every top-level key', () => {
      expect(parsed(TOML).lines).toMatchObject({ title: 2, code: 3, date: 4, tags: 7 });
    });

    it.each([
      ['an unclosed block', '+++\ntitle = "Hi"\nBody\n', 'front matter is not closed by a "+++" line', 1],
      ['invalid TOML, with its line', '+++\ntitle = "Hi"\ncode = = "X"\n+++\nBody\n', 'front matter is not valid TOML: Invalid TOML document: invalid value', 3],
    ])('reports %s', (_, text, message, line) => {
      expect(problem(text)).toEqual({ path: 'a.md', severity: 'error', line, message });
    });
  });

  it('does not run YAML tags that build code', () => {
    expect(problem('---\ntitle: !!js/function "function () { return 1 }"\n---\n').message).toMatch(/^front matter is not valid YAML: unknown tag/);
  });

  it.each([
    ['no front matter', 'Just text\n', 'no front matter (the file must start with a "---" line)', 1],
    ['an unclosed block', '---\ntitle: Hi\nBody\n', 'front matter is not closed by a "---" line', 1],
    ['a list instead of a mapping', '---\n- a\n- b\n---\n', 'front matter must be a mapping of field: value', 2],
  ])('reports %s', (_, text, message, line) => {
    expect(problem(text)).toEqual({ path: 'a.md', severity: 'error', line, message });
  });

  it('reports broken YAML with its line in the file', () => {
    expect(problem('---\ntitle: ok\ncode: [unclosed\n---\n')).toMatchObject({ severity: 'error', line: 4 });
    expect(problem('---\na: 1\na: 2\n---\n')).toMatchObject({ line: 3, message: expect.stringContaining('duplicated mapping key') });
  });
});
