// The vault's cryptography, all of it WebCrypto: AES-GCM-256 for values and for wrapping the data
// key, PBKDF2-SHA-256 to turn a password or a PIN into a wrapping key.
// - One random data key per user per device encrypts every stored value. It is only ever stored
//   wrapped (encrypted) under a key derived from a secret; a successful unwrap is the check of
//   that secret (GCM's tag fails for any other secret).
// - Every encryption takes a fresh random 96-bit IV and additional data naming what the value
//   belongs to, so a ciphertext moved to another record or table fails to decrypt.

export const PBKDF2_ITERATIONS = 600_000;
const IV_BYTES = 12;

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A value as stored: the IV and the ciphertext with its tag. */
export interface Sealed {
  iv: Uint8Array;
  ct: ArrayBuffer;
}

/** The data key wrapped under a secret: everything needed to unwrap it but the secret. */
export interface WrappedKey {
  salt: string;
  iterations: number;
  iv: string;
  wrapped: string;
}

export function toB64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

export function fromB64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function buf(bytes: Uint8Array): BufferSource {
  return bytes as BufferSource;
}

/** A new random data key. Extractable only so that it can be wrapped again (a new PIN). */
export function newDataKey(): Promise<CryptoKey> {
  return crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, true, ['encrypt', 'decrypt']);
}

/** An AES-GCM key from raw bytes (tests and known-answer vectors). */
export function importDataKey(raw: Uint8Array, extractable = false): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', buf(raw), 'AES-GCM', extractable, ['encrypt', 'decrypt']);
}

/** PBKDF2-SHA-256 bits of a secret (exported for the known-answer tests). */
export async function pbkdf2Bits(
  secret: string,
  salt: Uint8Array,
  iterations: number,
  bits = 256,
): Promise<Uint8Array> {
  const base = await crypto.subtle.importKey('raw', enc.encode(secret), 'PBKDF2', false, [
    'deriveBits',
  ]);
  const out = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations },
    base,
    bits,
  );
  return new Uint8Array(out);
}

async function wrappingKey(secret: string, salt: Uint8Array, iterations: number) {
  const base = await crypto.subtle.importKey('raw', enc.encode(secret), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', hash: 'SHA-256', salt: buf(salt), iterations },
    base,
    { name: 'AES-GCM', length: 256 },
    false,
    ['wrapKey', 'unwrapKey'],
  );
}

/** The data key wrapped under a secret (password or PIN), with a fresh salt and IV. */
export async function wrapDataKey(
  dataKey: CryptoKey,
  secret: string,
  purpose: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<WrappedKey> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const kek = await wrappingKey(secret, salt, iterations);
  const wrapped = await crypto.subtle.wrapKey('raw', dataKey, kek, {
    name: 'AES-GCM',
    iv: buf(iv),
    additionalData: enc.encode(`pulih-wrap:${purpose}`),
  });
  return { salt: toB64(salt), iterations, iv: toB64(iv), wrapped: toB64(new Uint8Array(wrapped)) };
}

/** The data key, or null when the secret is not the one it was wrapped under. */
export async function unwrapDataKey(
  w: WrappedKey,
  secret: string,
  purpose: string,
): Promise<CryptoKey | null> {
  const kek = await wrappingKey(secret, fromB64(w.salt), w.iterations);
  try {
    return await crypto.subtle.unwrapKey(
      'raw',
      buf(fromB64(w.wrapped)),
      kek,
      {
        name: 'AES-GCM',
        iv: buf(fromB64(w.iv)),
        additionalData: enc.encode(`pulih-wrap:${purpose}`),
      },
      { name: 'AES-GCM', length: 256 },
      true,
      ['encrypt', 'decrypt'],
    );
  } catch {
    return null;
  }
}

/** Encrypt bytes under the data key, bound to `ad`. */
export async function sealBytes(key: CryptoKey, ad: string, plain: Uint8Array): Promise<Sealed> {
  const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: buf(iv), additionalData: enc.encode(ad) },
    key,
    buf(plain),
  );
  return { iv, ct };
}

/** Decrypt bytes; throws when the key, the additional data or the bytes are not the sealed ones. */
export async function openBytes(key: CryptoKey, ad: string, sealed: Sealed): Promise<Uint8Array> {
  const plain = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: buf(sealed.iv), additionalData: enc.encode(ad) },
    key,
    sealed.ct,
  );
  return new Uint8Array(plain);
}

/** Encrypt a JSON value under the data key, bound to `ad`. */
export function sealJson(key: CryptoKey, ad: string, value: unknown): Promise<Sealed> {
  return sealBytes(key, ad, enc.encode(JSON.stringify(value)));
}

/** Decrypt a JSON value sealed with `sealJson`. */
export async function openJson<T>(key: CryptoKey, ad: string, sealed: Sealed): Promise<T> {
  return JSON.parse(dec.decode(await openBytes(key, ad, sealed))) as T;
}

/** SHA-256 of a text, as hex (the audit chain). */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(text))));
}
