// Archive completeness: a calendar of the last year (or a chosen one), each day coloured by the worst mark among its
// hours (a possible gap first), with every day's hours in words for screen readers and as a tooltip, the totals in a
// sentence, and the days that may miss plays listed with their hours.
import { api, query } from '../api.js';
import { navigate } from '../app.js';
import { count, day, h, loading, notice, num } from '../ui.js';

// most telling first: the colour of a day is that of the first mark it has
const MARKS = [
  ['G', 'GAP', 'may miss plays (a poll found a full page)', '#c2561a'],
  ['R', 'NEEDS_REAUTH', 'waiting for you to reconnect Spotify', '#a3221b'],
  ['U', 'UNVERIFIED', 'not verified yet', '#8d96a0'],
  ['I', 'IMPORTED', 'filled in by an import', '#2f64c9'],
  ['P', 'POLLED', 'verified by polls', '#1f8a5b'],
];
const NONE_COLOUR = '#eceef0';
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

function hoursOf(marks, code) {
  let n = 0;
  for (const c of marks) if (c === code) n += 1;
  return n;
}

function describe(d) {
  const parts = MARKS.map(([code, , label]) => [hoursOf(d.hours, code), label])
    .filter(([n]) => n > 0)
    .map(([n, label]) => `${n} h ${label}`);
  if (d.importedPlays) parts.push(`${count(d.importedPlays, 'imported play')}`);
  return `${day(d.day)}: ${parts.length ? parts.join(', ') : 'nothing to archive'}`;
}

function colourOf(d) {
  const mark = MARKS.find(([code]) => d.hours.includes(code));
  return mark ? mark[3] : NONE_COLOUR;
}

/** ISO weekday (1 = Monday) of a yyyy-mm-dd date, read as a calendar date. */
function weekday(iso) {
  const [y, m, dd] = iso.split('-').map(Number);
  return ((new Date(Date.UTC(y, m - 1, dd)).getUTCDay() + 6) % 7) + 1;
}

function monthName(yearMonth) {
  const [y, m] = yearMonth.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(undefined, { month: 'short', timeZone: 'UTC' });
}

function calendar(days) {
  // columns are weeks (Monday first), rows are weekdays
  const weeks = [];
  let week = new Array(7).fill(null);
  for (const d of days) {
    const wd = weekday(d.day);
    if (wd === 1 && week.some(Boolean)) { weeks.push(week); week = new Array(7).fill(null); }
    week[wd - 1] = d;
  }
  if (week.some(Boolean)) weeks.push(week);
  const monthOf = (w) => (w.find(Boolean) || {}).day.slice(0, 7);
  return h('table', { class: 'heat calendar', id: 'completeness' },
    h('caption', { class: 'sub', style: { textAlign: 'left' } },
      `Each day of ${day(days[0].day)} – ${day(days[days.length - 1].day)}, coloured by its least certain hour`),
    h('thead', {}, h('tr', {}, h('td'), weeks.map((w, i) => {
      const month = monthOf(w);
      const first = i === 0 || monthOf(weeks[i - 1]) !== month;
      return h('th', { scope: 'col', abbr: `week of ${day(w.find(Boolean).day)}` },
        first ? h('span', {}, monthName(month)) : '');
    }))),
    h('tbody', {}, WEEKDAYS.map((name, row) => h('tr', {},
      h('th', { scope: 'row' }, row % 2 === 0 ? name : h('span', { class: 'sr-only' }, name)),
      weeks.map((w) => {
        const d = w[row];
        if (!d) return h('td', { class: 'empty' });
        const text = describe(d);
        return h('td', { style: { background: colourOf(d) }, title: text, 'data-day': d.day, 'data-hours': d.hours },
          h('span', { class: 'sr-only' }, text));
      })))));
}

function hourList(marks, code) {
  const hours = [];
  for (let i = 0; i < marks.length; i += 1) if (marks[i] === code) hours.push(`${String(i).padStart(2, '0')}:00`);
  return hours.join(', ');
}

export async function render(view, { params, isCurrent }) {
  document.title = 'Archive completeness · Audiospective';
  view.append(h('h1', {}, 'Archive completeness'),
    h('p', { class: 'sub' }, 'Every hour since you joined: verified by a poll, filled in by an import of your '
      + 'Spotify history, or at risk. Spotify keeps only your last 50 plays, so a poll that finds 50 new ones may '
      + 'have missed some; an import of your history file fills them in.'));
  const year = params.get('year');
  const yearSelect = h('select', { id: 'completeness-year' },
    h('option', { value: '', selected: !year }, 'Last 365 days'),
    Array.from({ length: 4 }, (_, i) => new Date().getFullYear() - i)
      .map((y) => h('option', { value: y, selected: String(y) === year }, y)));
  yearSelect.addEventListener('change', () => navigate('archive', { year: yearSelect.value }));
  view.append(h('div', { class: 'controls' },
    h('div', { class: 'field' }, h('label', { for: 'completeness-year' }, 'Days'), yearSelect)));
  const result = h('div', {}, loading());
  view.append(result);
  let answer;
  try {
    const window = /^\d{4}$/.test(year || '') ? { from: `${year}-01-01`, to: `${year}-12-31` } : {};
    answer = await api(`/api/v1/me/archive/completeness${query(window)}`);
  } catch (e) {
    result.replaceChildren(notice(e.message, 'bad'));
    return;
  }
  if (!isCurrent()) return;
  const t = answer.hours;
  const archived = t.POLLED + t.IMPORTED + t.GAP + t.UNVERIFIED + t.NEEDS_REAUTH;
  const summary = h('p', { id: 'completeness-summary' }, archived
    ? `Of ${count(archived, 'hour')} to archive in these days, ${num(t.POLLED)} were verified by polls and `
      + `${num(t.IMPORTED)} filled in by imports (${count(answer.importedPlays, 'play')}); ${num(t.GAP)} may miss `
      + `plays, ${num(t.UNVERIFIED + t.NEEDS_REAUTH)} are not verified yet.`
    : 'Nothing archived in these days yet.');
  const atRisk = answer.days.filter((d) => d.hours.includes('G') || d.hours.includes('R'));
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' },
    MARKS.map(([, , label, colour]) => [h('span', { class: 'sw', style: { background: colour } }), label]),
    h('span', { class: 'sw', style: { background: NONE_COLOUR } }), 'nothing to archive');
  const paused = answer.pending === 'NEEDS_REAUTH'
    ? [notice('Polling is paused until you reconnect Spotify: plays beyond your last 50 will be lost.', 'warn')] : [];
  const box = h('div', { class: 'scroll card', id: 'completeness-box' }, calendar(answer.days), legend);
  result.replaceChildren(
    ...paused,
    summary,
    box,
    h('section', { class: 'card' }, h('h2', {}, 'Days that may miss plays'),
      atRisk.length
        ? h('ul', { id: 'days-at-risk' }, atRisk.map((d) => h('li', {}, h('strong', {}, day(d.day)), ': ',
          [hourList(d.hours, 'G'), hourList(d.hours, 'R')].filter(Boolean).join(', '))))
        : h('p', { class: 'sub' }, 'None: every archived hour is verified or imported.'),
      atRisk.length ? h('p', { class: 'sub' }, h('a', { href: '#/data' }, 'Import your Spotify history'),
        ' to fill them in.') : ''));
  // The newest days are at the end: a screen too narrow for the whole calendar shows them first, and keeps doing so
  // when it turns or resizes, until the member scrolls back themselves.
  let scrolledBack = false;
  box.addEventListener('scroll', () => {
    scrolledBack = box.scrollLeft + box.clientWidth < box.scrollWidth - 1;
  }, { passive: true });
  const toNewest = new ResizeObserver(() => { if (!scrolledBack) box.scrollLeft = box.scrollWidth; });
  toNewest.observe(box);
  return () => toNewest.disconnect();
}
