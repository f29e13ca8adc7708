// Listening clock: plays per weekday and local hour as a heatmap table (every cell has its number for screen
// readers and as a tooltip).
import { api, query } from '../api.js';
import { navigate } from '../app.js';
import { h, loading, notice, num, periodPicker, windowOf, windowText } from '../ui.js';

const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const LOW = [232, 243, 238];
const HIGH = [10, 107, 76];

function shade(share) {
  if (share <= 0) return '#f1f2f3';
  const t = 0.15 + 0.85 * share;
  const c = LOW.map((lo, i) => Math.round(lo + (HIGH[i] - lo) * t));
  return `rgb(${c.join(',')})`;
}

export async function render(view, { params, isCurrent }) {
  document.title = 'Listening clock · Audiospective';
  const w = windowOf(params, 'all');
  view.append(h('h1', {}, 'Listening clock'), periodPicker(params, (p) => navigate('clock', p), 'all'));
  if (w.period === 'custom' && (!w.from || !w.to)) return;
  const result = h('div', {}, loading());
  view.append(result);
  let clock;
  try {
    clock = await api(`/api/v1/me/stats/clock${query(w)}`);
  } catch (e) {
    result.replaceChildren(notice(e.message, 'bad'));
    return;
  }
  if (!isCurrent()) return;
  const grid = DAYS.map(() => new Array(24).fill(0));
  let max = 0;
  let peak = null;
  for (const cell of clock.cells) {
    grid[cell.weekday - 1][cell.hour] = cell.plays;
    if (cell.plays > max) { max = cell.plays; peak = cell; }
  }
  const hours = Array.from({ length: 24 }, (_, i) => i);
  const table = h('table', { class: 'heat', id: 'clock' },
    h('caption', { class: 'sub', style: { textAlign: 'left' } }, `Plays by weekday and hour, ${windowText(clock.window)}`),
    h('thead', {}, h('tr', {}, h('td'), hours.map((hr) => h('th', { scope: 'col', abbr: `${hr}:00` }, hr % 3 === 0 ? hr : '')))),
    h('tbody', {}, DAYS.map((name, d) => h('tr', {},
      h('th', { scope: 'row', abbr: name }, name.slice(0, 3)),
      hours.map((hr) => {
        const plays = grid[d][hr];
        const text = `${name} ${String(hr).padStart(2, '0')}:00–${String(hr).padStart(2, '0')}:59: ${num(plays)} plays`;
        return h('td', { style: { background: shade(max ? plays / max : 0) }, title: text, 'data-plays': plays },
          h('span', { class: 'sr-only' }, text));
      })))));
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' }, 'fewer',
    [0, 0.25, 0.5, 0.75, 1].map((s) => h('span', { class: 'sw', style: { background: shade(s) } })), 'more');
  result.replaceChildren(
    peak ? h('p', {}, `You listen most on ${DAYS[peak.weekday - 1]}s around ${peak.hour}:00 (${num(peak.plays)} plays).`)
      : notice('No plays in this period.'),
    h('div', { class: 'scroll card' }, table, legend));
}
