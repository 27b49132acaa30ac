// Heerlen's neighbourhoods (/neighbourhoods, read once): code, name and centre, for the task
// filter, the task cards, the commission form and the statistics.
import { api } from './api.js';

let hoods = null;

export async function neighbourhoods() {
  hoods = hoods || (await api('/neighbourhoods'));
  return hoods;
}

// A neighbourhood's name (its code until the list is loaded, or when it is not in it).
export function hoodName(code) {
  const found = (hoods || []).find((n) => n.code === code);
  return found ? found.name : String(code);
}
