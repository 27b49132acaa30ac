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

export async function api(path, { method = 'GET', body, form, signal } = {}) {
  const headers = { Accept: 'application/json', 'Accept-Language': getLang() === 'en' ? 'en' : 'nl' };
  const init = { method, headers, credentials: 'same-origin', signal };
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
    const detail = problem && typeof problem.detail === 'string' ? problem.detail : t('error_generic');
    throw new ApiError(response.status, detail, problem);
  }
  if (response.status === 204) return null;
  return response.json();
}
