// Small DOM helpers: elements are built with h() (never from HTML strings), so no text a user or
// the chain supplies can ever become markup.

import { parseMoney, t } from './i18n.js';

const SVG = 'http://www.w3.org/2000/svg';

function apply(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') el.setAttribute('class', value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'value' || key === 'checked' || key === 'selected') el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  apply(el, attrs);
  return append(el, children);
}

export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  apply(el, attrs);
  return append(el, children);
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

export function shortAddress(address) {
  return address ? `${address.slice(0, 6)}…${address.slice(-4)}` : '';
}

let counter = 0;
export function uid(prefix = 'id') {
  counter += 1;
  return `${prefix}-${counter}`;
}

// A status line that screen readers announce (role=status is polite). kind: info|ok|error|busy.
export function statusLine() {
  const el = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
  el.set = (text, kind = 'info') => {
    el.className = `status status-${kind}`;
    el.textContent = text || '';
    el.hidden = !text;
  };
  el.hidden = true;
  return el;
}

// Says `text` right after `target` (the button, or the form, the person just used) and brings it
// into view: a success or status message where the person is looking, not at the top of a long
// page. What was said there before is replaced. kind: ok|info|error. Returns the element (target
// null: only made, for the caller to place). After a re-render, page.js announce(text, { near })
// finds the new target by a selector and calls this.
export function sayNear(target, text, kind = 'ok') {
  const el = h('p', { class: `status status-${kind} said-near`, role: kind === 'error' ? 'alert' : 'status' }, text);
  if (target) {
    const next = target.nextElementSibling;
    if (next && next.classList.contains('said-near')) next.remove();
    target.after(el);
    if (el.scrollIntoView) el.scrollIntoView({ block: 'nearest' });
  }
  return el;
}

// Runs fn while the button is busy (disabled, aria-busy); errors go to the status line.
export async function busy(button, fn) {
  if (button) {
    button.disabled = true;
    button.setAttribute('aria-busy', 'true');
  }
  try {
    return await fn();
  } finally {
    if (button) {
      button.disabled = false;
      button.removeAttribute('aria-busy');
    }
  }
}

// A form that asks for an amount in euros (a cash-out, a payment request, a budget grant): on
// submit, while the button is busy, an amount that cannot be read is said on the status line
// and its field marked; otherwise send(cents) runs.
export function onAmountSubmit(form, { amount, button, status }, send) {
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(button, async () => {
      const cents = parseMoney(amount.value);
      if (!cents) {
        status.set(t('amount_invalid'), 'error');
        amount.setAttribute('aria-invalid', 'true');
        amount.focus();
        return;
      }
      amount.removeAttribute('aria-invalid');
      await send(cents);
    });
  });
}

export function field(label, input, hint) {
  const id = input.id || uid('f');
  input.id = id;
  const hintEl = hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, input);
}
