// The deployment as `GET /config` describes it — chain, contracts, token, map tiles — and the
// contract's rules the pages follow: task categories, a task's bounds and the names of the
// status numbers. Read once at start-up (app.js waits for it before the first page), so pages
// read it synchronously; no page writes such a number or list itself.
import { api } from './api.js';

let loading = null;
let loaded = null;

// Fetches /config once; every later call returns the same promise.
export function loadConfig() {
  loading =
    loading ||
    api('/config').then(
      (config) => {
        loaded = config;
        return config;
      },
      (error) => {
        loading = null;
        throw error;
      },
    );
  return loading;
}

// The config, once loadConfig() has resolved (the shell awaits it before rendering any page).
export function config() {
  if (!loaded) throw new Error('config() before loadConfig()');
  return loaded;
}

// A claim's status by name ('claimed', 'submitted', 'rejected', ...): the API gives the
// contract's number, /config its name, and the pages (and the texts in i18n.js) use the name.
export function claimStatus(claim) {
  return config().claim_statuses[String(claim.status)] || 'none';
}

