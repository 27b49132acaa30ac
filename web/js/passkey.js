// The phone's own lock for the account on this phone (account.js loads this module with import()
// only when it makes the account or opens a locked one: no start page carries it).
//
// A passkey (WebAuthn, the phone's platform authenticator, user verification required) with the
// PRF extension gives 32 secret bytes for a fixed input, and only after the phone's lock
// (fingerprint, face, PIN) said yes. HKDF turns them into an AES-GCM key (non-extractable) that
// seals the secp256k1 key, with the address as associated data: what IndexedDB keeps is the
// ciphertext and the passkey's id, nothing that signs without the lock. The passkey carries no
// personal data (user name "Heitje-account", a random user id) and is never checked by a server:
// only its PRF output is used, never the assertion's signature, so the challenge is random and
// stays in the page.
//
// seal() resolves null where this phone cannot do it (no PRF, the browser refused the options):
// account.js then keeps the key the browser way and says so. The lock not given (cancelled, a
// finger not recognised) rejects with a calm sentence in Dutch and English, as account.js's own
// refusals do (`text`), which wallet.js shows as it is.
//
// Why the opened key is remembered for a while: "Doe mee" makes the passkey and signs in at once,
// and signing in is often followed by an action (a claim, a payment): one lock prompt for that,
// not two or three in a row, which a resident takes for a fault. Why no longer than UNLOCKED_MS,
// and never past the page being hidden or the person signing out: a phone put down or handed over
// asks again. Only the derived AES key is kept (non-extractable); the signing key is opened per
// signature and wiped by account.js after.

const encoder = new TextEncoder();
// The PRF input: the same for every account (the output differs per passkey anyway).
const SALT = encoder.encode('WESH: het account op deze telefoon, v1');
// HKDF's info: what the derived key is for.
const INFO = encoder.encode('WESH account key wrap v1');
const TIMEOUT_MS = 120000;

function random(n) {
  return window.crypto.getRandomValues(new Uint8Array(n));
}

function base64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

// The PRF part of a credential's extension results: { enabled, first } (first: the output, or null).
function prfOf(credential) {
  const results = typeof credential.getClientExtensionResults === 'function' ? credential.getClientExtensionResults() : {};
  const prf = (results && results.prf) || {};
  const first = prf.results && prf.results.first ? new Uint8Array(prf.results.first) : null;
  return { enabled: prf.enabled, first: first && first.length >= 32 ? first : null };
}

// The AES-GCM key (non-extractable) derived from a PRF output; the output is wiped after.
async function keyFrom(secret) {
  try {
    const material = await window.crypto.subtle.importKey('raw', secret, 'HKDF', false, ['deriveKey']);
    return await window.crypto.subtle.deriveKey(
      { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: INFO },
      material,
      { name: 'AES-GCM', length: 256 },
      false,
      ['encrypt', 'decrypt'],
    );
  } finally {
    secret.fill(0);
  }
}

// Asks the phone's lock for the passkey `credential` and returns its PRF output.
async function output(credential) {
  const assertion = await navigator.credentials.get({
    publicKey: {
      challenge: random(32),
      rpId: location.hostname,
      allowCredentials: [{ type: 'public-key', id: credential }],
      userVerification: 'required',
      timeout: TIMEOUT_MS,
      extensions: { prf: { eval: { first: SALT } } },
    },
  });
  const { first } = assertion ? prfOf(assertion) : { first: null };
  if (!first) throw Object.assign(new Error('the passkey gave no PRF output'), { name: 'NoPrfError' });
  return first;
}

// Tells the phone's passkey list that a passkey made here is of no use (PRF missing), where the
// browser can (Chrome's signalUnknownCredential); otherwise it stays, unused.
function drop(credential) {
  try {
    const PKC = window.PublicKeyCredential;
    if (PKC && typeof PKC.signalUnknownCredential === 'function') {
      PKC.signalUnknownCredential({ rpId: location.hostname, credentialId: base64url(credential) }).catch(() => {});
    }
  } catch {
    /* nothing to tidy */
  }
}

// Makes the passkey and derives the wrapping key: { credential, key }, or null when this phone
// cannot protect the account with its lock. Rejects with NotAllowedError when the person cancels
// (or the lock fails).
async function make() {
  let created;
  try {
    created = await navigator.credentials.create({
      publicKey: {
        rp: { name: "'t Heerlens Heitje", id: location.hostname },
        user: { id: random(16), name: 'Heitje-account', displayName: 'Heitje-account' },
        challenge: random(32),
        pubKeyCredParams: [
          { type: 'public-key', alg: -7 },
          { type: 'public-key', alg: -257 },
        ],
        authenticatorSelection: { authenticatorAttachment: 'platform', userVerification: 'required', residentKey: 'preferred' },
        timeout: TIMEOUT_MS,
        attestation: 'none',
        extensions: { prf: { eval: { first: SALT } } },
      },
    });
  } catch (error) {
    if (declined(error)) throw error;
    return null; // not supported here (options refused, ...)
  }
  if (!created) return null;
  const credential = new Uint8Array(created.rawId);
  let { enabled, first } = prfOf(created);
  // Several phones say "PRF enabled" when the passkey is made and give its output only when it
  // is used: then the lock is asked once more, now.
  if (!first && enabled === true) {
    try {
      first = await output(credential);
    } catch (error) {
      drop(credential);
      if (declined(error)) throw error;
      return null;
    }
  }
  if (!first) {
    drop(credential);
    return null;
  }
  return { credential, key: await keyFrom(first) };
}

// ---- the opened key, remembered

const UNLOCKED_MS = 2 * 60 * 1000;
let unlocked = null; // { credential (hex), key, until }
let unlocking = null;

function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function remember(credential, key) {
  unlocked = { credential: hex(credential), key, until: Date.now() + UNLOCKED_MS };
}

// Forgets the opened key: the next signature asks the phone's lock again.
export function forget() {
  unlocked = null;
}

document.addEventListener('visibilitychange', () => {
  if (document.hidden) forget();
});
window.addEventListener('pagehide', forget);

// ---- what account.js asks

function said(nl, en, code) {
  return Object.assign(new Error(`${nl} / ${en}`), { code, text: { nl, en } });
}

function declined(error) {
  return Boolean(error) && (error.name === 'NotAllowedError' || error.name === 'AbortError');
}

// The sentence when the lock was not given; `making`: while the account was being made.
function notUnlocked(making) {
  return making
    ? said(
        'Je telefoon is niet ontgrendeld, dus er is nog geen account gemaakt. Probeer het gerust opnieuw.',
        'Your phone was not unlocked, so no account was made yet. Feel free to try again.',
        4001,
      )
    : said(
        'Je telefoon is niet ontgrendeld, dus er is niets gebeurd. Probeer het gerust opnieuw.',
        'Your phone was not unlocked, so nothing happened. Feel free to try again.',
        4001,
      );
}

function additional(address) {
  return encoder.encode(String(address).toLowerCase());
}

// Seals `privateKey` (of `address`) under a passkey made now: { credential, iv, sealed } to keep,
// or null where this phone cannot (then the browser's way). The opened key is remembered, so
// the sign-in right after asks no second time.
export async function seal(privateKey, address) {
  let made;
  try {
    made = await make();
  } catch (error) {
    if (declined(error)) throw notUnlocked(true);
    return null;
  }
  if (!made) return null;
  const iv = random(12);
  const sealed = new Uint8Array(
    await window.crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: additional(address) }, made.key, privateKey),
  );
  remember(made.credential, made.key);
  return { credential: made.credential, iv, sealed };
}

// The wrapping key of a locked record: remembered, or asked of the phone's lock (one prompt for
// calls at once).
async function keyOf(record) {
  const credential = Uint8Array.from(record.credential);
  if (unlocked && unlocked.credential === hex(credential) && unlocked.until > Date.now()) return unlocked.key;
  if (!unlocking) {
    unlocking = output(credential)
      .then(keyFrom)
      .then((key) => {
        remember(credential, key);
        return key;
      })
      .finally(() => {
        unlocking = null;
      });
  }
  try {
    return await unlocking;
  } catch (error) {
    if (declined(error)) throw notUnlocked(false);
    throw said(
      'Je account op deze telefoon gaat nu niet open. Probeer het later opnieuw; lukt het niet, dan helpt de balie van de gemeente je verder.',
      'The account on this phone does not open now. Try again later; if it still fails, the town hall desk helps you.',
      4100,
    );
  }
}

// The signing key of a locked record (the caller wipes it after use).
export async function open(record) {
  const key = await keyOf(record);
  const params = { name: 'AES-GCM', iv: record.iv, additionalData: additional(record.address) };
  return new Uint8Array(await window.crypto.subtle.decrypt(params, key, record.sealed));
}
