/**
 * A rendered response body with its validators, built once and served as often
 * as it is asked for: UTF-8 bytes, a strong ETag (SHA-256 of the bytes), Last-Modified, and
 * lazily made, cached compressed variants with ETags of their own.
 *
 * @example
 * const rep = await createRepresentation('<rss/>', 'application/rss+xml', Date.UTC(2024, 0, 1));
 * rep.etag // => '"8nJ0e3Rm1Wq6tq9x3lq5cA"' (22 characters of base64url)
 */

/** A content coding the host can produce (Node: `br`, `gzip`; Workers: none, the platform does it). */
export type ContentCoding = 'br' | 'gzip';

/** Compression supplied by a host; the app itself never imports a runtime's zlib. */
export interface Compression {
  /** Codings in order of preference when a client accepts several equally. */
  readonly codings: readonly ContentCoding[];
  compress(body: Uint8Array, coding: ContentCoding): Promise<Uint8Array>;
}

export interface Variant {
  readonly body: Uint8Array;
  readonly etag: string;
  readonly coding?: ContentCoding;
}

export interface Representation extends Variant {
  readonly contentType: string;
  readonly lastModified: number;
  /**
   * The variant for a coding, compressed on first use and kept; `onMade` is told once it is
   * made by this call (the representation then holds more bytes).
   */
  encoded(coding: ContentCoding, compression: Compression, onMade?: () => void): Promise<Variant>;
  /** The bytes it holds: its body and the coded variants made so far. */
  heldBytes(): number;
}

/**
 * The entity tag of a representation's variant in `coding`, known before (and without) compressing
 * it: the coded body gets its own strong tag, as it is the same entity in other bytes (RFC 9110
 * 8.8.3), made from the representation's.
 */
export function codedEntityTag(etag: string, coding: ContentCoding): string {
  return `${etag.slice(0, -1)}-${coding}"`;
}

const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * SHA-256, supplied by a host that has it at hand on the main thread (Node: node:crypto). By
 * default WebCrypto's, which Node runs on its thread pool: a trip there and back, which a fresh
 * response waits a whole step for while the main thread takes in a bulk change.
 */
export type Sha256 = (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>;

const webCryptoSha256: Sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));

/** A strong entity tag for some bytes: the first 128 bits of their SHA-256, base64url. */
export async function computeEntityTag(bytes: Uint8Array, sha256: Sha256 = webCryptoSha256): Promise<string> {
  const digest = await sha256(bytes);
  return `"${toBase64Url(digest.subarray(0, 16))}"`;
}

/** A representation of text, or of its UTF-8 bytes when the renderer wrote those. */
export async function createRepresentation(content: string | Uint8Array, contentType: string, lastModified: number, sha256?: Sha256): Promise<Representation> {
  const body = typeof content === 'string' ? encoder.encode(content) : content;
  return restoreRepresentation({ body, etag: await computeEntityTag(body, sha256), contentType, lastModified });
}

/** A representation from parts made earlier (bytes and validators stored by a build). */
export function restoreRepresentation(parts: Omit<Representation, 'encoded' | 'coding' | 'heldBytes'>): Representation {
  const { body, etag } = parts;
  const variants = new Map<ContentCoding, Promise<Variant>>();
  let codedBytes = 0;
  return {
    ...parts,
    encoded(coding, compression, onMade) {
      let variant = variants.get(coding);
      if (variant === undefined) {
        variant = compression.compress(body, coding).then((coded) => {
          codedBytes += coded.length;
          onMade?.();
          return { body: coded, etag: codedEntityTag(etag, coding), coding };
        });
        variants.set(coding, variant);
      }
      return variant;
    },
    heldBytes: () => body.length + codedBytes,
  };
}
