// The API client: same-origin fetch with the session cookie, Accept-Language, and every error
// turned into an ApiError whose message is the problem's `detail` (already in the user's
// language) — never a status code, a stack trace or raw JSON.
import { getLang, t } from './i18n.js';

export class ApiError extends Error {
  constructor(status, message, problem) {
    super(message);
    this.status = status;
    this.problem = problem || null;
  }
}

// The session ended (session.js): called on a 401 outside signing in; returns true when the
// page thought someone signed in (the problem is then said as "Je sessie is verlopen").
let unauthorized = null;
export function onUnauthorized(fn) {
  unauthorized = fn;
}

// Public pages may be kept by the browser for 2 s (Cache-Control of api.page_cache): after an
// action changed something, the next reads ask the API again, so no old figure (free places, a
// balance) is shown after it. Any POST/PUT/DELETE counts as an action; so does markChanged().
const FRESH_MS = 10000;
let changedAt = 0;
export function markChanged() {
  changedAt = Date.now();
}

export async function api(path, { method = 'GET', body, form, signal } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() === 'en' ? 'en' : 'nl' };
  const init = { method, headers, credentials: 'same-origin', signal };
  if (method !== 'GET') markChanged();
  else if (Date.now() - changedAt < FRESH_MS) {
    init.cache = 'no-cache';
    headers['Cache-Control'] = 'no-cache';
  }
  if (form) init.body = form;
  else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    if (error && error.name === 'AbortError') throw error;
    throw new ApiError(0, t('offline'));
  }
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      /* not JSON: a proxy's error page */
    }
    let detail = problem && typeof problem.detail === 'string' ? problem.detail : t('error_generic');
    if (response.status === 401 && unauthorized && !path.startsWith('/auth/') && unauthorized()) detail = t('session_expired');
    throw new ApiError(response.status, detail, problem);
  }
  if (response.status === 204) return null;
  return response.json();
}
