import { describe, expect, it } from 'vitest';
import { servesWith } from '../../src/node/process-role.ts';

describe('telling from the arguments, before they are parsed, whether a process will serve', () => {
  it.each([[[]], [['serve']], [['--port', '3000']], [['-q']], [['serve', '--content', 'news']], [['-c', 'content', 'serve']]])('serves with %j', (args) => {
    expect(servesWith(args)).toBe(true);
  });

  it.each([[['build', '--out', 'site']], [['check', '--json']], [['help']], [['--help']], [['serve', '-h']], [['--version']], [['-V']]])('does not serve with %j', (args) => {
    expect(servesWith(args)).toBe(false);
  });
});
