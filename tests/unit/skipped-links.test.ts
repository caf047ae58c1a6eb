/**
 * Symbolic links in the content folder are never followed (a link could publish any file the
 * server can read), but one that someone may have meant as content - named like an article, or
 * leading to a folder - is told of by its path, so that a folder of links (a Kubernetes
 * ConfigMap mounted as the content) does not serve nothing without a word.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/articles/article.ts';
import { checkContent, formatReport } from '../../src/node/check.ts';
import { createFsSource, skippedLinkProblem } from '../../src/sources/fs.ts';
import { testSite, validArticle } from '../support/fixtures.ts';

describe('symbolic links in the content folder', () => {
  let base = '';
  let root = '';
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'wirefeed-links-'));
    root = join(base, 'content');
    mkdirSync(join(root, '2024'), { recursive: true });
    mkdirSync(join(base, 'elsewhere'));
    writeFileSync(join(root, '2024', 'real.md'), validArticle({ code: '"REAL"' }));
    writeFileSync(join(base, 'elsewhere', 'outside.md'), validArticle({ code: '"OUTSIDE"' }));
    symlinkSync(join(base, 'elsewhere', 'outside.md'), join(root, '2024', 'linked.md'));
    symlinkSync(join(base, 'elsewhere'), join(root, 'archive'));
    symlinkSync('missing.md', join(root, 'dangling.md'));
    // Not meant as content: a hidden name, and a link named like no article to a file.
    symlinkSync('2024/real.md', join(root, '.draft.md'));
    symlinkSync('2024/real.md', join(root, 'cover.jpg'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('are left out of a listing, and those named like an article or leading to a folder are told of by their paths', async () => {
    const problems: Problem[] = [];
    const listed = await createFsSource(root, { onListingProblem: (problem) => problems.push(problem) }).list();
    expect(listed).toEqual(['2024/real.md']);
    expect(problems.map(({ path }) => path).sort()).toEqual(['2024/linked.md', 'archive', 'dangling.md']);
    expect(problems).toContainEqual(skippedLinkProblem('archive'));
    expect(problems.every(({ severity, message }) => severity === 'warning' && message.startsWith('a symbolic link, not followed'))).toBe(true);
  });

  it('are told of when a change names one, as a link made while the server runs is', async () => {
    const problems: Problem[] = [];
    const source = createFsSource(root, { onListingProblem: (problem) => problems.push(problem) });
    expect(await source.stat('2024/linked.md')).toBeUndefined();
    expect(await source.stat('2024/real.md')).toMatchObject({ size: expect.any(Number) });
    expect(await source.stat('2024/gone.md')).toBeUndefined();
    expect(problems).toEqual([skippedLinkProblem('2024/linked.md')]);
  });

  it('are warnings of `wirefeed check`, whose summary counts them and which does not fail for them', async () => {
    const site = testSite();
    const report = await checkContent({ port: 0, contentDir: root, site, cacheDir: 'off', cacheBudget: { responseBytes: 1e6, contentBytes: 1e6, answerBytes: 1e6 } }, { quiet: true });
    expect(report).toMatchObject({ files: 1, articles: 1, errors: 0, warnings: 3, unreadableFolders: 0, skippedLinks: 3 });
    const text = formatReport(report);
    expect(text).toContain("2024/linked.md: warning: a symbolic link, not followed (a link could publish any file the server can read): copy in what it leads to, or make the folder the links lead to the content folder (a Kubernetes ConfigMap's ..data)\n");
    expect(text).toMatch(/, 0 errors, 3 warnings: every file can be served; 3 symbolic links not followed\n$/);
  });

  it("leave a ConfigMap's files readable through its ..data folder, the content folder the warning names", async () => {
    // The layout the kubelet makes: the files in a hidden folder of the day, `..data` a link to
    // it, and a link for each file at the top.
    const mount = join(base, 'configmap');
    mkdirSync(join(mount, '..2026_11_27_10_00_00.1'), { recursive: true });
    writeFileSync(join(mount, '..2026_11_27_10_00_00.1', 'story.md'), validArticle({ code: '"STORY"' }));
    symlinkSync('..2026_11_27_10_00_00.1', join(mount, '..data'));
    symlinkSync('..data/story.md', join(mount, 'story.md'));
    const problems: Problem[] = [];
    expect(await createFsSource(mount, { onListingProblem: (problem) => problems.push(problem) }).list()).toEqual([]);
    expect(problems).toEqual([skippedLinkProblem('story.md')]);
    const source = createFsSource(join(mount, '..data'));
    expect(await source.list()).toEqual(['story.md']);
    expect(await source.read('story.md')).toContain('code: "STORY"');
  });
});
