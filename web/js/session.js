// Who is signed in: the API's session (address and roles; the session itself is an httpOnly
// cookie) as this page knows it, asking for it at start-up and signing out.
import { api, ApiError, onUnauthorized } from './api.js';
import * as wallet from './wallet.js';

let current = null;
// The session ended without signing out (its time was up, or the API no longer knew it): the
// page says so (expired.js) and the sign-in panel says it too, until someone signs in.
let ended = false;
let timer = null;
const endListeners = [];

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
  if (next) ended = false;
  watchExpiry(next);
}

// Whether the session ended without signing out (the person must be told, not silently
// signed out).
export function sessionEnded() {
  return ended;
}

// fn({ previous }) runs when the session ends (or, after it ended, when another action was
// refused for it: the sign-in then moves to where that action was).
export function onSessionEnded(fn) {
  endListeners.push(fn);
}

function endSession() {
  if (!current && !ended) return false;
  const previous = current;
  current = null;
  ended = true;
  watchExpiry(null);
  for (const fn of endListeners) fn({ previous });
  return true;
}

// At the session's end time (expires_at), asks the API once (the phone's clock may be off):
// still known, it waits again; unknown, the session has ended.
function watchExpiry(next) {
  clearTimeout(timer);
  timer = null;
  if (!next || !next.expires_at) return;
  const wait = next.expires_at * 1000 - Date.now();
  if (wait > 2 ** 31 - 1) return;
  timer = setTimeout(async () => {
    try {
      const live = await api('/auth/session');
      if (current) setSession({ ...current, ...live, token: current.token });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) endSession();
    }
  }, Math.max(1000, wait + 1000));
}

onUnauthorized(endSession);

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
    // This browser was signed in and did not sign out: the session ended meanwhile.
    setSession(null);
    ended = true;
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
  ended = false;
  wallet.disconnect();
}
