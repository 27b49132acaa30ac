// The reasons a reviewer gives for a rejection (/reasons, read once): as words for the citizen
// who reads why, and as a choice for the reviewer who rejects.
import { api } from './api.js';
import { getLang, has, t } from './i18n.js';
import { field, h } from './ui.js';

let reasons = null;

async function load() {
  reasons = reasons || (await api('/reasons'));
  return reasons;
}

const words = (reason) => reason[getLang() === 'en' ? 'en' : 'nl'];
// A short name for the choice (the whole sentence does not fit a phone's select box); a reason
// added later without one shows its sentence.
const shortWords = (reason) => (has(`reason_short_${reason.key}`) ? t(`reason_short_${reason.key}`) : words(reason));

// The reason with this code in the page's language (its number when it is not known).
export async function reasonText(code) {
  const found = (await load()).find((r) => r.code === code);
  return found ? words(found) : String(code);
}

// A <select name="reason"> of every reason, starting at "Kies een reden" (no reason chosen).
export async function reasonSelect() {
  return h('select', { name: 'reason', required: true },
    h('option', { value: '' }, t('reason_choose')),
    (await load()).map((r) => h('option', { value: String(r.code) }, shortWords(r))));
}

// The reason field of a rejection: the select (short names), and under it the sentence the
// resident will read. preset: a reason code to start at (an appeal's earlier reason).
// value(status) gives the chosen code, or says on the status line that one must be chosen.
export async function reasonField(label, { preset = 0 } = {}) {
  const all = await load();
  const select = await reasonSelect();
  const reads = h('p', { class: 'hint reason-reads', hidden: true });
  const show = () => {
    const found = all.find((r) => String(r.code) === select.value);
    reads.hidden = !found;
    reads.textContent = found ? t('reason_reads', { text: words(found) }) : '';
    if (found) select.removeAttribute('aria-invalid');
  };
  if (preset) select.value = String(preset);
  show();
  select.addEventListener('change', show);
  const element = h('div', { class: 'reason-field' }, field(label, select), reads);
  const value = (status) => {
    if (select.value) return Number(select.value);
    status.set(t('reason_missing'), 'error');
    select.setAttribute('aria-invalid', 'true');
    select.focus();
    return 0;
  };
  return { select, element, value };
}
