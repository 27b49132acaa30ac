// Entry point: start the shell; if even that fails, say so in both languages (never a trace).
import { start } from './app.js';

start().catch(() => {
  const main = document.getElementById('main');
  main.textContent = '';
  const p = document.createElement('p');
  p.className = 'status status-error';
  p.setAttribute('role', 'alert');
  p.textContent =
    'WESH is even niet bereikbaar. Probeer het over een minuut opnieuw. / WESH cannot be reached right now. Please try again in a minute.';
  main.append(p);
});
