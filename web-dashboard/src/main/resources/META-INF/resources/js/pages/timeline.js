// Plays per day (or week, month) as a bar chart, with the same numbers as a table for screen readers.
import { api, query } from '../api.js';
import { navigate } from '../app.js';
import { barChart, day, epochSeconds, h, loading, minutes, notice, num, periodPicker, windowOf, windowText } from '../ui.js';

const GRAINS = [['day', 'Day'], ['week', 'Week'], ['month', 'Month']];

export async function render(view, { params, isCurrent }) {
  document.title = 'Plays per day · Audiospective';
  const w = windowOf(params, 'year');
  const grain = GRAINS.some(([g]) => g === params.get('granularity')) ? params.get('granularity') : 'day';
  const go = (p) => navigate('timeline', { ...p, granularity: grain });
  const grainSelect = h('select', { id: 'granularity' }, GRAINS.map(([g, text]) => h('option', { value: g, selected: g === grain }, text)));
  grainSelect.addEventListener('change', () => navigate('timeline', { ...w, granularity: grainSelect.value }));
  const picker = periodPicker(params, go, 'year');
  picker.insertBefore(h('div', { class: 'field' }, h('label', { for: 'granularity' }, 'Plays per'), grainSelect), picker.lastChild);
  view.append(h('h1', {}, `Plays per ${grain}`), picker);
  if (w.period === 'custom' && (!w.from || !w.to)) return;
  const result = h('div', {}, loading());
  view.append(result);
  let timeline;
  try {
    timeline = await api(`/api/v1/me/stats/timeline${query({ ...w, granularity: grain })}`);
  } catch (e) {
    result.replaceChildren(notice(e.message, 'bad'));
    return;
  }
  if (!isCurrent()) return;
  const buckets = timeline.buckets;
  if (!buckets.length) {
    result.replaceChildren(h('p', { class: 'sub' }, windowText(timeline.window)), notice('No plays in this period.'));
    return;
  }
  const label = (start) => (grain === 'month'
    ? new Date(`${start}T00:00:00Z`).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' })
    : grain === 'week' ? `the week of ${day(start)}` : day(start));
  const total = buckets.reduce((a, b) => a + b.plays, 0);
  const busiest = buckets.reduce((a, b) => (b.plays > a.plays ? b : a));
  const chart = h('div', { class: 'chart', id: 'timeline-chart', role: 'img',
    'aria-label': `Bar chart of plays per ${grain}; busiest ${grain}: ${label(busiest.start)} with ${busiest.plays} plays` });
  const table = h('details', {}, h('summary', {}, 'Show the numbers as a table'),
    h('div', { class: 'scroll' }, h('table', { id: 'timeline-table' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, grain === 'day' ? 'Day' : `${grain[0].toUpperCase()}${grain.slice(1)} starting`),
        h('th', { scope: 'col', class: 'num' }, 'Plays'), h('th', { scope: 'col', class: 'num' }, 'Time'))),
      h('tbody', {}, buckets.map((b) => h('tr', {}, h('td', {}, day(b.start)), h('td', { class: 'num' }, num(b.plays)),
        h('td', { class: 'num' }, minutes(b.minutes))))))));
  result.replaceChildren(
    h('p', {}, `${windowText(timeline.window)}: ${num(total)} plays in ${num(buckets.length)} ${grain}s with plays; `
      + `busiest ${grain}: ${label(busiest.start)} (${num(busiest.plays)} plays).`),
    chart, table);
  try {
    return await barChart(chart, buckets.map((b) => epochSeconds(b.start)), buckets.map((b) => b.plays), { label: 'Plays' });
  } catch (e) {
    chart.replaceChildren(notice(e.message, 'bad'));
    return undefined;
  }
}
