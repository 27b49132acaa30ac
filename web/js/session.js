// Who is signed in: the API's session (address and roles; the session itself is an httpOnly
// cookie) as this page knows it, asking for it at start-up and signing out.
import { api, ApiError } from './api.js';
import * as wallet from './wallet.js';

let current = null;

// The signed-in person ({ address, roles, ... }) or null.
export function session() {
  return current;
}

export function hasRole(role) {
  return Boolean(current && current.roles.includes(role));
}

// Whether this browser signed in before (a hint only); without it the start page skips asking
// for a session it cannot have.
function markSignedIn(yes) {
  try {
    if (yes) localStorage.setItem('wesh.signedIn', '1');
    else localStorage.removeItem('wesh.signedIn');
  } catch {
    /* storage blocked: ask every time */
  }
}

function maybeSignedIn() {
  try {
    return localStorage.getItem('wesh.signedIn') !== null;
  } catch {
    return true;
  }
}

export function setSession(next) {
  current = next;
  markSignedIn(Boolean(next));
}

// Asks the API who is signed in (401: nobody); other errors propagate.
export async function refreshSession() {
  if (!maybeSignedIn()) {
    current = null;
    return null;
  }
  try {
    setSession(await api('/auth/session'));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    setSession(null);
  }
  return current;
}

// Ends the session at the API (it may be gone already) and lets go of the wallet. The caller
// draws the page again.
export async function signOut() {
  try {
    await api('/auth/logout', { method: 'POST' });
  } catch {
    /* the session was gone already */
  }
  setSession(null);
  wallet.disconnect();
}
