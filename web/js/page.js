// What a page may ask of the shell it runs in: draw the current page again (after an action),
// say under the title what just happened, run something when the page is left, and where the
// versioned assets are. The shell (app.js) imports the pages to route to them, so pages cannot
// import the shell: it hands its render function over here instead (setRenderer).
import { h, sayNear } from './ui.js';

let renderer = null;
let cleanup = null;

// Called once by the shell, before the first page is drawn.
export function setRenderer(render) {
  renderer = render;
}

// Draws the current route again; focus: move the focus to the new h1 (after navigation).
export function rerender({ focus = false } = {}) {
  return renderer({ focus });
}

// After a re-render, says what just happened: next to what the person used when `near` (a CSS
// selector, or an element) is found on the new page — e.g. announce(text, { near:
// '#commission-form' }) — else right under the page title.
export function announce(text, { near = null } = {}) {
  const target = typeof near === 'string' ? document.querySelector(`#main ${near}`) : near;
  if (target && target.isConnected) {
    sayNear(target, text);
    return;
  }
  const h1 = document.querySelector('#main h1');
  if (h1) h1.after(h('p', { class: 'status status-ok', role: 'status' }, text));
}

// Registers a function to run when the page is left (close an event stream, stop polling).
export function onLeave(fn) {
  const previous = cleanup;
  cleanup = () => {
    if (previous) previous();
    fn();
  };
}

// The shell leaves the page on screen before it draws the next one.
export function leavePage() {
  const run = cleanup;
  cleanup = null;
  if (run) run();
}

// Where this version's assets are served (/assets/<version>), as index.html links them.
export function assetBase() {
  const link = document.querySelector('link[rel="stylesheet"][href*="/assets/"]');
  return link ? link.getAttribute('href').replace(/\/app\.css$/, '') : '/assets/dev';
}
