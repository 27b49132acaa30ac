// The built-in account ("deze telefoon"): a key made and kept in this browser, for residents
// without a wallet app (docs/onboarding.md, docs/web.md "The account on this phone"). It signs in
// (Sign-In with Ethereum, EIP-191 personal_sign) and signs the relayer's requests (EIP-712,
// eth_signTypedData_v4); it never sends a transaction — the city's relayer does that. wallet.js
// offers it behind the same EIP-1193 `request({ method, params })` as any wallet, so sign-in and
// relay need no special case.
//
// What protects the key (one of two, chosen when the account is made, and said on the page):
// - the phone's lock: where the phone has a screen lock and the browser offers WebAuthn's PRF
//   extension, the key is sealed (AES-GCM) under a key derived from a passkey's PRF output
//   (passkey.js, loaded only then). IndexedDB holds ciphertext and the passkey's id: signing asks
//   the lock (fingerprint, face, PIN). Once opened, the derived key (non-extractable; never the
//   signing key) is kept in this page's memory for UNLOCKED_MS at most and forgotten sooner when
//   the page is hidden or the person signs out (passkey.js says why).
// - the browser's storage: elsewhere the key is sealed with AES-GCM under a WebCrypto key that is
//   non-extractable (WebCrypto has no secp256k1, so the signing key itself cannot be); in a
//   browser without WebCrypto, the raw key. Whoever holds the phone unlocked can then sign.
// Either way clearing the site's data loses the account (the desk moves it to a new one).
// Accounts made before the lock existed are kept the browser way and keep working.
//
// The curve and keccak come from noble (web/vendor/noble/, MIT), loaded only when the account
// signs or is made: the start pages do not carry it.

const DB_NAME = 'wesh-account';
const STORE = 'keys';
const RECORD = 'account';

let cryptoLib = null;

// noble's secp256k1 and keccak_256, loaded once on first use.
export function loadCrypto() {
  if (!cryptoLib) {
    cryptoLib = Promise.all([import('../vendor/noble/curves/secp256k1.js'), import('../vendor/noble/hashes/sha3.js')]).then(
      ([curves, hashes]) => ({ secp256k1: curves.secp256k1, keccak: hashes.keccak_256 }),
    );
    cryptoLib.catch(() => {
      cryptoLib = null;
    });
  }
  return cryptoLib;
}

// ---- bytes

const encoder = new TextEncoder();

export function toHex(bytes) {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function fromHex(hex) {
  const clean = String(hex).replace(/^0x/i, '');
  if (clean.length % 2 || /[^0-9a-f]/i.test(clean)) throw new TypeError(`not hex: ${hex}`);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i += 1) out[i] = Number.parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

// A bigint as 32 big-endian bytes (two's complement for a negative int<N>).
function word(value) {
  let n = BigInt(value);
  if (n < 0n) n += 1n << 256n;
  if (n < 0n || n >= 1n << 256n) throw new RangeError(`out of range: ${value}`);
  return fromHex(n.toString(16).padStart(64, '0'));
}

// ---- addresses

// The EIP-55 checksummed form of a 20-byte address.
export function checksum(address, keccak) {
  const lower = String(address).toLowerCase().replace(/^0x/, '');
  const hash = toHex(keccak(encoder.encode(lower))).slice(2);
  let out = '0x';
  for (let i = 0; i < lower.length; i += 1) out += Number.parseInt(hash[i], 16) >= 8 ? lower[i].toUpperCase() : lower[i];
  return out;
}

// The address of a private key: the last 20 bytes of keccak256 of the uncompressed public key.
export function addressOf(privateKey, { secp256k1, keccak }) {
  const pub = secp256k1.getPublicKey(privateKey, false).slice(1);
  return checksum(toHex(keccak(pub).slice(12)), keccak);
}

// ---- EIP-712 (the generic encoder: atomic types, bytes, string, structs and arrays)

function baseType(type) {
  return type.replace(/\[\d*\]$/, '');
}

// The struct types `primary` depends on (itself first).
function dependencies(primary, types, found = new Set()) {
  const name = baseType(primary);
  if (found.has(name) || !types[name]) return found;
  found.add(name);
  for (const field of types[name]) dependencies(field.type, types, found);
  return found;
}

export function encodeType(primary, types) {
  const [first, ...rest] = [...dependencies(primary, types)];
  return [first, ...rest.sort()].map((name) => `${name}(${types[name].map((f) => `${f.type} ${f.name}`).join(',')})`).join('');
}

function encodeValue(type, value, types, keccak) {
  if (types[type]) return hashStruct(type, value, types, keccak);
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) throw new TypeError(`${type} needs a list`);
    if (array[2] && value.length !== Number(array[2])) throw new TypeError(`${type} needs ${array[2]} items`);
    return keccak(concat(...value.map((item) => encodeValue(array[1], item, types, keccak))));
  }
  if (type === 'string') return keccak(encoder.encode(String(value)));
  if (type === 'bytes') return keccak(typeof value === 'string' ? fromHex(value) : Uint8Array.from(value));
  if (type === 'address') {
    const bytes = fromHex(value);
    if (bytes.length !== 20) throw new TypeError(`not an address: ${value}`);
    return concat(new Uint8Array(12), bytes);
  }
  if (type === 'bool') return word(value === true || value === 'true' ? 1 : 0);
  const integer = /^(u?)int(\d*)$/.exec(type);
  if (integer) {
    const bits = Number(integer[2] || 256);
    const n = BigInt(value);
    const limit = 1n << BigInt(bits);
    if (integer[1] ? n < 0n || n >= limit : n < -(limit >> 1n) || n >= limit >> 1n) throw new RangeError(`${value} is not a ${type}`);
    return word(n);
  }
  const fixed = /^bytes(\d+)$/.exec(type);
  if (fixed) {
    const bytes = fromHex(value);
    if (bytes.length !== Number(fixed[1])) throw new TypeError(`not a ${type}: ${value}`);
    return concat(bytes, new Uint8Array(32 - bytes.length));
  }
  throw new TypeError(`type ${type} is not supported`);
}

export function hashStruct(primary, data, types, keccak) {
  const typeHash = keccak(encoder.encode(encodeType(primary, types)));
  const fields = types[primary].map((field) => {
    if (data[field.name] === undefined) throw new TypeError(`${primary}.${field.name} is missing`);
    return encodeValue(field.type, data[field.name], types, keccak);
  });
  return keccak(concat(typeHash, ...fields));
}

// The 32 bytes an EIP-712 document asks to sign: keccak256(0x1901 ‖ domainSeparator ‖ hashStruct).
export function typedDataDigest(typed, keccak) {
  const types = typed.types;
  if (!types || !types.EIP712Domain || !types[typed.primaryType]) throw new TypeError('typed data without its types');
  return keccak(
    concat(
      Uint8Array.of(0x19, 0x01),
      hashStruct('EIP712Domain', typed.domain, types, keccak),
      hashStruct(typed.primaryType, typed.message, types, keccak),
    ),
  );
}

// EIP-191 version 0x45: keccak256("\x19Ethereum Signed Message:\n" + length + message).
export function personalDigest(message, keccak) {
  return keccak(concat(encoder.encode(`\x19Ethereum Signed Message:\n${message.length}`), message));
}

// A 65-byte signature r ‖ s ‖ v (v = 27 or 28, s in the lower half) as hex, as wallets return it.
export function signDigest(digest, privateKey, { secp256k1 }) {
  const recovered = secp256k1.sign(digest, privateKey, { prehash: false, lowS: true, format: 'recovered' });
  return toHex(concat(recovered.slice(1, 65), Uint8Array.of(27 + recovered[0])));
}

// ---- storage

function openDb() {
  return new Promise((resolve, reject) => {
    if (!window.indexedDB) {
      reject(new Error('no IndexedDB'));
      return;
    }
    const open = indexedDB.open(DB_NAME, 1);
    open.onupgradeneeded = () => open.result.createObjectStore(STORE);
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

async function transact(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(request.error || tx.error);
      tx.onabort = () => reject(request.error || tx.error);
    });
  } finally {
    db.close();
  }
}

async function readRecord() {
  try {
    return (await transact('readonly', (store) => store.get(RECORD))) || null;
  } catch {
    return null;
  }
}

// The stored account's address, or null (no account on this phone, or storage blocked).
export async function storedAddress() {
  const record = await readRecord();
  return record && typeof record.address === 'string' ? record.address : null;
}

// ---- what protects the key

// The phone's lock (a passkey's PRF: passkey.js) or the browser's storage.
export const LOCK = 'lock';
export const BROWSER = 'browser';

// Whether making the account here would try the phone's lock: a secure page on a host name (a
// passkey cannot belong to an IP address), a platform authenticator with user verification (a
// screen lock), and no browser saying it lacks PRF. Cheap: no prompt, passkey.js not loaded.
export async function lockAvailable() {
  const PKC = window.PublicKeyCredential;
  if (!PKC || !window.isSecureContext || !navigator.credentials) return false;
  if (/^[\d.]+$|:/.test(location.hostname)) return false;
  try {
    if (!(await PKC.isUserVerifyingPlatformAuthenticatorAvailable())) return false;
    if (typeof PKC.getClientCapabilities === 'function') {
      const capabilities = await PKC.getClientCapabilities();
      if (capabilities && capabilities['extension:prf'] === false) return false;
    }
    return true;
  } catch {
    return false;
  }
}

// What protects the account on this phone: { stored, by } with by LOCK or BROWSER; without an
// account, what would protect one made now.
export async function protection() {
  const record = await readRecord();
  if (record && typeof record.address === 'string') return { stored: true, by: record.credential ? LOCK : BROWSER };
  return { stored: false, by: (await lockAvailable()) ? LOCK : BROWSER };
}

// passkey.js, loaded on first use (making a locked account, or opening one).
let passkeys = null;

function lockModule() {
  if (!passkeys) {
    passkeys = import('./passkey.js');
    passkeys.catch(() => {
      passkeys = null;
    });
  }
  return passkeys;
}

// Forgets the opened key of a locked account: the next signature asks the phone's lock again.
export function forget() {
  if (passkeys) passkeys.then((passkey) => passkey.forget()).catch(() => {});
}

// The browser's way: AES-GCM under a non-extractable WebCrypto key kept beside it.
async function seal(privateKey) {
  const subtle = window.crypto && window.crypto.subtle;
  if (!subtle) return { raw: Uint8Array.from(privateKey) };
  try {
    const wrap = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
    const iv = window.crypto.getRandomValues(new Uint8Array(12));
    const sealed = new Uint8Array(await subtle.encrypt({ name: 'AES-GCM', iv }, wrap, privateKey));
    return { wrap, iv, sealed };
  } catch {
    return { raw: Uint8Array.from(privateKey) };
  }
}

async function unseal(record) {
  if (record.raw) return Uint8Array.from(record.raw);
  if (record.credential) return (await lockModule()).open(record);
  const plain = await window.crypto.subtle.decrypt({ name: 'AES-GCM', iv: record.iv }, record.wrap, record.sealed);
  return new Uint8Array(plain);
}

let making = null;

// Makes the account and keeps it (an account already on this phone is kept, never replaced):
// under the phone's lock where it can, else the browser's way. Resolves with its address. Two
// calls at once in one page share one making (one passkey, one prompt).
export function create() {
  if (!making) {
    making = make().finally(() => {
      making = null;
    });
  }
  return making;
}

async function make() {
  const existing = await storedAddress();
  if (existing) return existing;
  const lib = await loadCrypto();
  const privateKey = lib.secp256k1.utils.randomSecretKey();
  const address = addressOf(privateKey, lib);
  let record;
  try {
    const locked = (await lockAvailable()) ? await (await lockModule()).seal(privateKey, address) : null;
    const sealed = locked || (await seal(privateKey));
    record = { address, created: Date.now(), ...sealed };
  } finally {
    privateKey.fill(0);
  }
  try {
    // add(), not put(): when another tab (or tap) made one meanwhile, that one stays.
    await transact('readwrite', (store) => store.add(record, RECORD));
  } catch (error) {
    if (!error || error.name !== 'ConstraintError') throw error;
  }
  const kept = await storedAddress();
  if (!kept) throw new Error('the account could not be kept');
  return kept;
}

// Signs `digest` with the stored key (wiped from memory again after).
async function signWithStored(digestOf) {
  const record = await readRecord();
  if (!record) throw Object.assign(new Error('no account on this phone'), { code: 4100 });
  const lib = await loadCrypto();
  const privateKey = await unseal(record);
  try {
    return signDigest(digestOf(lib.keccak), privateKey, lib);
  } finally {
    privateKey.fill(0);
  }
}

// An EIP-1193 error (code 4200: the method is not supported) with a Dutch and English text.
function refuse(nl, en, code = 4200) {
  return Object.assign(new Error(`${nl} / ${en}`), { code, text: { nl, en } });
}

function sameAddress(a, b) {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}

// The provider-like object wallet.js offers: `request({ method, params })` as EIP-1193.
export function provider(chainId) {
  const hexChain = `0x${Number(chainId).toString(16)}`;
  return {
    isWeshAccount: true,
    async request({ method, params = [] }) {
      if (method === 'eth_requestAccounts') return [await create()];
      if (method === 'eth_accounts') {
        const address = await storedAddress();
        return address ? [address] : [];
      }
      if (method === 'eth_chainId') return hexChain;
      if (method === 'wallet_switchEthereumChain' || method === 'wallet_addEthereumChain') return null;
      if (method === 'personal_sign') {
        const [data, address] = params;
        if (!sameAddress(address, await storedAddress())) throw refuse('Onbekend account', 'Unknown account', 4100);
        const message = /^0x[0-9a-f]*$/i.test(data) ? fromHex(data) : encoder.encode(String(data));
        return signWithStored((keccak) => personalDigest(message, keccak));
      }
      if (method === 'eth_signTypedData_v4') {
        const [address, json] = params;
        if (!sameAddress(address, await storedAddress())) throw refuse('Onbekend account', 'Unknown account', 4100);
        const typed = typeof json === 'string' ? JSON.parse(json) : json;
        if (Number(typed.domain && typed.domain.chainId) !== Number(chainId)) {
          throw refuse('Dit verzoek is voor een ander netwerk', 'This request is for another network');
        }
        return signWithStored((keccak) => typedDataDigest(typed, keccak));
      }
      if (method === 'eth_sendTransaction') {
        throw refuse(
          'Het account op deze telefoon verstuurt zelf niets: de gemeente verstuurt het voor je',
          'The account on this phone sends nothing itself: the city sends it for you',
        );
      }
      throw refuse('Dat kan het account op deze telefoon niet', 'The account on this phone cannot do that');
    },
    on() {},
    removeListener() {},
  };
}
