// "Wacht op aanmelding": the join code a new account shows at the desk (POST /join: eight
// characters and a QR code, no personal data, valid for a day), and waiting, live, until the desk
// has registered it. The index tells (GET /me/stream, Server-Sent Events: an `account` event
// whenever what this account is changes); where a network holds event streams back, the page
// asks for the session every few seconds instead. Used by the shop's page (merchant.js); any page
// whose new account waits for the desk can use it.
import { api, ApiError } from './api.js';
import { dateTime, t } from './i18n.js';
import { onLeave } from './page.js';
import { refreshSession } from './session.js';
import { h, statusLine } from './ui.js';

const POLL_MS = 3000;

// The QR code's SVG markup as an image source (never as markup in the page).
function svgSource(svg) {
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
}

// A card with the code and its QR code, waiting for the desk. `done(event)` tells whether what
// the account is now (an `account` event, or the session's roles) is what it waits for;
// `onRegistered()` runs once it is. Texts: { title, intro, qrAlt, retiredText (optional) }.
export function joinCard({ title, intro, qrAlt, done, onRegistered, retiredText = null }) {
  const status = statusLine();
  const slot = h('div', { class: 'join-code' }, h('p', { class: 'hint' }, t('loading')));
  const card = h('section', { class: 'card join', 'aria-labelledby': 'join-title' },
    h('h2', { id: 'join-title' }, title),
    h('p', {}, intro),
    slot,
    status);
  let finished = false;
  const finish = async () => {
    if (finished) return;
    finished = true;
    stop();
    status.set(t('jc_registered'), 'ok');
    await refreshSession();
    await onRegistered();
  };
  let stream = null;
  let timer = null;
  const stop = () => {
    if (stream) stream.close();
    if (timer) clearTimeout(timer);
    stream = null;
    timer = null;
  };
  onLeave(stop);

  api('/join', { method: 'POST' })
    .then((code) => {
      slot.replaceChildren(
        h('img', { class: 'qr', src: svgSource(code.qr_svg), width: 264, height: 264, alt: qrAlt }),
        h('p', { class: 'join-code-text' }, h('span', {}, t('jc_code_label')), ' ', h('strong', { class: 'code' }, code.code)),
        h('p', { class: 'hint' }, t('jc_valid', { time: dateTime(code.expires_at) })),
      );
      if (code.registered) {
        finish();
        return;
      }
      status.set(t('jc_waiting'), 'busy');
      listen();
    })
    .catch((error) => {
      slot.replaceChildren();
      // A phone moved away at the desk gets no code (409 join_retired): a shop is told in its words.
      const retired = error instanceof ApiError && error.problem && error.problem.code === 'join_retired';
      status.set(retired && retiredText ? retiredText : error instanceof ApiError ? error.message : t('error_generic'), 'error');
    });

  const listen = () => {
    if (window.EventSource) {
      stream = new EventSource('/me/stream');
      stream.addEventListener('account', (event) => {
        try {
          if (done(JSON.parse(event.data))) finish();
        } catch {
          /* not this event */
        }
      });
    }
    // Also when the stream works: cheap, and it covers a proxy that buffers the stream.
    const poll = async () => {
      if (finished) return;
      try {
        const session = await api('/auth/session');
        if (done({ is_citizen: session.roles.includes('citizen'), is_merchant: session.roles.includes('merchant') })) {
          finish();
          return;
        }
      } catch {
        /* try again */
      }
      if (!finished) timer = setTimeout(poll, POLL_MS);
    };
    timer = setTimeout(poll, POLL_MS);
  };
  return card;
}
