/** Which articles are page bundles, and which paths in a bundle's folder may be served. */
import { describe, expect, it } from 'vitest';
import { bundleFileTypeOf, bundleFolderOf } from '../../src/articles/bundle.ts';

describe('bundleFolderOf', () => {
  it.each([
    ['2024/storm/index.md', '2024/storm'],
    ['storm/index.markdown', 'storm'],
    ['a/b/c/index.txt', 'a/b/c'],
    ['index.md', undefined],
    ['2024/storm.md', undefined],
    ['2024/storm/indexes.md', undefined],
  ])('%s -> %s', (path, folder) => {
    expect(bundleFolderOf(path)).toBe(folder);
  });
});

describe('bundleFileTypeOf', () => {
  it.each([
    ['photo.jpg', 'image/jpeg'],
    ['PHOTO.JPEG', 'image/jpeg'],
    ['images/map.png', 'image/png'],
    ['a/b/anim.gif', 'image/gif'],
    ['x.webp', 'image/webp'],
    ['x.avif', 'image/avif'],
  ])('serves %s as %s', (path, type) => {
    expect(bundleFileTypeOf(path)).toBe(type);
  });

  it.each(['drawing.svg', 'page.html', 'index.md', 'notes.txt', 'jpg', 'images.jpg/x', '.hidden.jpg', 'a/.git/x.png', '../x.jpg', './x.jpg', 'a//x.jpg', 'a\\x.jpg', 'x\0.jpg', ''])(
    'serves nothing at %j',
    (path) => {
      expect(bundleFileTypeOf(path)).toBeUndefined();
    },
  );
});
