// The resident reads a task's safety note before taking it on (issue #15): the claim button
// first opens the note (the task's own, else the one its kind of task starts from) with the
// estimated time, and only "Gelezen: klus aannemen" claims. Loaded by the citizen's task page.
import { api } from './api.js';
import { getLang, t } from './i18n.js';
import { h } from './ui.js';

let categories = null;

// The city's list of kinds of task (GET /task-categories), fetched once.
export async function taskCategories() {
  if (!categories) categories = api('/task-categories').catch(() => (categories = null, { categories: [] }));
  return categories;
}

function inLang(texts) {
  if (!texts) return '';
  return (getLang() === 'en' && texts.en) || texts.nl || '';
}

// The safety note a task's document gives, else its category's.
export async function safetyNote(doc) {
  if (doc.safety) return inLang(doc.safety);
  const known = await taskCategories();
  const list = known.categories || [];
  const kind = list.find((c) => c.key === doc.category) || list.find((c) => c.key === known.default);
  return kind ? inLang(kind.safety) : '';
}

// The claim button and, once pressed, the note and the button that really claims (`confirm`).
export async function claimAfterSafety(task, confirm) {
  const doc = task.document || {};
  const note = await safetyNote(doc);
  const open = h('button', { type: 'button', class: 'btn btn-primary', 'aria-expanded': 'false' }, t('claim'));
  // Buttons are display: inline-flex, which beats the hidden attribute: hide their wrapper.
  const opener = h('div', {}, open);
  const back = h('button', { type: 'button', class: 'btn' }, t('safety_back'));
  const heading = h('h2', { id: 'safety-title', tabindex: '-1' }, t('safety_title'));
  const box = h('section', { class: 'card safety', 'aria-labelledby': 'safety-title', hidden: true },
    heading,
    h('p', { class: 'safety-note' }, note || t('safety_general')),
    doc.estimated_minutes ? h('p', {}, t('safety_minutes', { n: doc.estimated_minutes })) : null,
    h('p', { class: 'hint' }, t('safety_read_first')),
    h('div', { class: 'row-actions' }, confirm, back));
  open.addEventListener('click', () => {
    box.hidden = false;
    opener.hidden = true;
    open.setAttribute('aria-expanded', 'true');
    heading.focus();
  });
  back.addEventListener('click', () => {
    box.hidden = true;
    opener.hidden = false;
    open.setAttribute('aria-expanded', 'false');
    open.focus();
  });
  return h('div', { class: 'claim-step' }, opener, box);
}
