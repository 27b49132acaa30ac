// When the session ends while a page is open (its time is up, or the API no longer knows it):
// the header stops showing the person as signed in, and "Je sessie is verlopen" appears with the
// sign-in right where the person is — after the button they just pressed (its form), else under
// the page title. Signing in again as the same person leaves the page as it was (what they typed
// stays) and says "probeer het nog een keer"; as someone else, the page is drawn for them.
// signin.js is loaded only when this happens.
import { header } from './header.js';
import { t } from './i18n.js';
import { rerender } from './page.js';
import { onSessionEnded, session } from './session.js';
import { h, sayNear } from './ui.js';
import * as wallet from './wallet.js';

let lastPressed = null;
let box = null;

function citizenPage() {
  return /^\/(burger|betalen)(\/|$)/.test(location.pathname);
}

// Where the sign-in goes: after the form (or the button) last pressed on this page, else under
// the page's title.
function anchor() {
  const main = document.getElementById('main');
  if (lastPressed && lastPressed.isConnected && main && main.contains(lastPressed)) {
    return lastPressed.closest('form') || lastPressed;
  }
  return main ? main.querySelector('h1') : null;
}

// The box being made: a second "session ended" (the end time and a 401 from another card at
// once) waits for it instead of making a second box while the first awaits its imports.
let making = null;

function show(what) {
  if (!making) making = build(what).finally(() => { making = null; });
  return making;
}

async function build({ previous }) {
  header();
  const where = anchor();
  if (!where) return;
  if (box && box.isConnected) {
    // Shown already: it moves to where the person is now.
    where.after(box);
    box.scrollIntoView({ block: 'nearest' });
    return;
  }
  const { signInPanel } = await import('./signin.js');
  // The account on this phone is offered only to whom it belongs: a person signed in with a
  // wallet of their own gets their wallet first, not "Doe mee" (a second account).
  let onPhone = null;
  try {
    onPhone = await wallet.phoneAddress();
  } catch {
    /* no storage in this browser */
  }
  const phone = citizenPage() && (!previous || (Boolean(onPhone) && onPhone.toLowerCase() === previous.address.toLowerCase()));
  const again = async () => {
    const now = session();
    if (previous && now && now.address.toLowerCase() === previous.address.toLowerCase()) {
      header();
      const at = box;
      box = null;
      at.replaceWith(sayNear(null, t('session_back')));
      return;
    }
    box = null;
    await rerender({ focus: true });
  };
  box = h('section', { class: 'card session-ended', 'aria-label': t('session_expired_title') },
    h('p', { class: 'status status-error', role: 'alert' }, t('session_expired')),
    signInPanel(t('session_expired_why'), again, { phone, notice: false }));
  (anchor() || where).after(box);
  box.scrollIntoView({ block: 'nearest' });
}

// Called once by the shell (app.js).
export function watchSessionEnd() {
  document.addEventListener(
    'click',
    (event) => {
      const pressed = event.target.closest && event.target.closest('button, input[type="submit"]');
      if (pressed && !pressed.closest('.session-ended, header')) lastPressed = pressed;
    },
    true,
  );
  onSessionEnded((what) => {
    show(what).catch(() => {});
  });
}
