// The reasons a reviewer gives for a rejection (/reasons, read once): as words for the citizen
// who reads why, and as a choice for the reviewer who rejects.
import { api } from './api.js';
import { getLang } from './i18n.js';
import { h } from './ui.js';

let reasons = null;

async function load() {
  reasons = reasons || (await api('/reasons'));
  return reasons;
}

const words = (reason) => reason[getLang() === 'en' ? 'en' : 'nl'];

// The reason with this code in the page's language (its number when it is not known).
export async function reasonText(code) {
  const found = (await load()).find((r) => r.code === code);
  return found ? words(found) : String(code);
}

// A <select name="reason"> of every reason.
export async function reasonSelect() {
  return h('select', { name: 'reason' }, (await load()).map((r) => h('option', { value: String(r.code) }, words(r))));
}
