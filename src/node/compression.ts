/**
 * Brotli and gzip for the Node host (node:zlib, off the main thread). Each body is compressed
 * once per snapshot by the representation that owns it; quality 6 keeps that first request fast
 * while getting most of the size win.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Compression, ContentCoding } from '../http/representation.ts';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

export function createNodeCompression(): Compression {
  return {
    codings: ['br', 'gzip'],
    async compress(body: Uint8Array, coding: ContentCoding): Promise<Uint8Array> {
      if (coding === 'br') {
        return brotli(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 6,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        });
      }
      return gzipAsync(body, { level: 6 });
    },
  };
}
