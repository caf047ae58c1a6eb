/**
 * Brotli and gzip for the Node host (node:zlib, off the main thread), and its SHA-256 for
 * entity tags (node:crypto, on it). Each body is compressed
 * once by the representation that owns it (kept from snapshot to snapshot while unchanged); quality 6 keeps that first request fast
 * while getting most of the size win.
 *
 * The output buffer is as large as the body, so that the whole of it is compressed in one go.
 * node:zlib fills 16 KB at a time and comes back to the main thread between them: a 475 KB feed
 * (about 100 KB compressed) made eight trips. When the main thread is busy in steps, as it is
 * while the server takes in a bulk change, each trip waits for a step to end: at 100k, a feed
 * compressed during an rsync of the whole folder took 440 ms, its request 929 ms. In one go it
 * takes two trips (the body, then the end of the stream).
 */
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Compression, ContentCoding, Sha256 } from '../http/representation.ts';

const brotli = promisify(brotliCompress);
/** node:zlib's own chunk size (16 KB). */
const MIN_CHUNK = constants.Z_DEFAULT_CHUNK;
const gzipAsync = promisify(gzip);

export function createNodeCompression(): Compression {
  return {
    codings: ['br', 'gzip'],
    async compress(body: Uint8Array, coding: ContentCoding): Promise<Uint8Array> {
      // More than either coding ever adds to a body (a few bytes a block).
      const chunkSize = body.length + MIN_CHUNK;
      if (coding === 'br') {
        return brotli(body, {
          chunkSize,
          params: {
            [constants.BROTLI_PARAM_QUALITY]: 6,
            [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        });
      }
      return gzipAsync(body, { level: 6, chunkSize });
    },
  };
}

/**
 * SHA-256 on the main thread: about a millisecond for a 475 KB feed, where WebCrypto's goes to
 * the thread pool and back, a trip that waits for a step to end while a bulk change is taken in
 * (see Sha256).
 */
export const nodeSha256: Sha256 = (bytes) => createHash('sha256').update(bytes).digest();
