// The phone's own lock for the account on this phone (account.js loads this module with import()
// only when it makes the account or opens it: no start page carries it).
//
// A passkey (WebAuthn, the phone's platform authenticator, user verification required) with the
// PRF extension gives 32 secret bytes for a fixed input, and only after the phone's lock
// (fingerprint, face, PIN) said yes. HKDF turns them into an AES-GCM key that seals the secp256k1
// key in IndexedDB: what the browser keeps is ciphertext and the passkey's id, nothing that signs
// without the lock. The passkey carries no personal data (user name "Heitje-account", a random
// user id) and is never checked by a server: the assertion's own signature is not used, only the
// PRF output, so the challenge is random and stays in the page.
//
// make() resolves null where this phone cannot do it (no PRF, the browser refused the options):
// account.js then keeps the key the browser way and says so. Cancelling the lock rejects with the
// browser's NotAllowedError (account.js turns it into a calm sentence).

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
export async function make() {
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
    if (error && error.name === 'NotAllowedError') throw error;
    return null; // not supported here (an IP address as host, options refused, ...)
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
      if (error && error.name === 'NotAllowedError') throw error;
      return null;
    }
  }
  if (!first) {
    drop(credential);
    return null;
  }
  return { credential, key: await keyFrom(first) };
}

// The wrapping key of the passkey `credential`, after the phone's lock said yes.
export async function unlock(credential) {
  return keyFrom(await output(credential));
}
