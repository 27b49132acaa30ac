// Dates the city picks are days in Heerlen (Europe/Amsterdam), whatever zone the browser is in:
// a deadline picked as 31 December is the end of 31 December in Heerlen, also on a laptop set to
// New York time (issue #15, defect 8).
const ZONE = 'Europe/Amsterdam';

// Minutes Amsterdam is ahead of UTC at the moment `ms` (60 in winter, 120 in summer).
function offsetMinutes(ms) {
  const parts = {};
  for (const { type, value } of new Intl.DateTimeFormat('en-US', {
    timeZone: ZONE, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(ms))) parts[type] = value;
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day),
    Number(parts.hour), Number(parts.minute), Number(parts.second));
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60000);
}

// Unix seconds of a wall-clock time on a day ('2026-12-31') in Amsterdam.
export function amsterdamTime(day, hour = 23, minute = 59) {
  const [y, m, d] = day.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d, hour, minute);
  // The offset at the guess, then at the corrected moment (right also on the days clocks move).
  let ms = wall - offsetMinutes(wall) * 60000;
  ms = wall - offsetMinutes(ms) * 60000;
  return Math.floor(ms / 1000);
}

// The day ('2026-12-31') it is in Amsterdam at unix seconds `seconds` (default: now).
export function amsterdamDay(seconds = Date.now() / 1000) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: ZONE, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(seconds * 1000));
}
