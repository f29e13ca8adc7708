// Small DOM and formatting helpers. Text is always set as text, never parsed as HTML.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (k in el && typeof v !== 'string') el[k] = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

const numberFormat = new Intl.NumberFormat();
export const num = (n) => (n === undefined || n === null ? '–' : numberFormat.format(n));

/** A count with its noun, singular for one: "1 day", "12 days". */
export const count = (n, noun) => `${num(n)} ${n === 1 ? noun : `${noun}s`}`;

export function minutes(m) {
  if (m === undefined || m === null) return '–';
  if (m < 120) return `${numberFormat.format(Math.round(m))} min`;
  const hours = m / 60;
  return hours < 48 ? `${numberFormat.format(Math.round(hours * 10) / 10)} h`
    : `${numberFormat.format(Math.round(hours))} h`;
}

export function dateTime(iso) {
  if (!iso) return '–';
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A local date (yyyy-mm-dd, already in the member's zone) shown without moving it through the browser's zone. */
export function day(localDate, style = 'medium') {
  if (!localDate) return '–';
  const [y, m, d] = localDate.slice(0, 10).split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).toLocaleDateString(undefined, { dateStyle: style, timeZone: 'UTC' });
}

export function artists(list) {
  return (list || []).map((a) => a.name).join(', ');
}

export function stat(label, value, id, size = '') {
  return h('div', { class: `stat ${size}` }, h('dt', {}, label), h('dd', { 'data-stat': id }, value));
}

export function statGrid(...stats) {
  return h('dl', { class: 'grid' }, stats);
}

export function notice(text, kind = '') {
  return h('p', { class: `notice ${kind}`, role: kind === 'bad' ? 'alert' : null }, text);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'muted', role: 'status' }, text);
}

export function todayIso() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export const PERIODS = [
  ['week', 'Week'], ['month', 'Month'], ['year', 'Year'], ['all', 'All time'], ['custom', 'Custom range'],
];

/** Window parameters for the API from the page's parameters. */
export function windowOf(params, fallback = 'month') {
  const period = params.get('period') || fallback;
  if (period === 'custom') return { period, from: params.get('from'), to: params.get('to') };
  return { period, date: params.get('date') || undefined };
}

/**
 * The period picker: week, month, year, all time or a custom range; for week/month/year an optional reference
 * date ("the week of ..."). Calls onChange with the new parameters; choosing a preset applies it at once.
 */
export function periodPicker(params, onChange, fallback = 'month') {
  const w = windowOf(params, fallback);
  const id = (s) => `period-${s}`;
  const select = h('select', { id: id('select'), name: 'period' },
    PERIODS.map(([value, label]) => h('option', { value, selected: value === w.period }, label)));
  const date = h('input', { type: 'date', id: id('date'), name: 'date', value: w.date || '' });
  const from = h('input', { type: 'date', id: id('from'), name: 'from', value: w.from || '', required: true });
  const to = h('input', { type: 'date', id: id('to'), name: 'to', value: w.to || '', required: true });
  const dateField = h('div', { class: 'field' }, h('label', { for: id('date') }, 'Containing the day (default today)'), date);
  const fromField = h('div', { class: 'field' }, h('label', { for: id('from') }, 'From'), from);
  const toField = h('div', { class: 'field' }, h('label', { for: id('to') }, 'To'), to);
  const apply = h('button', { type: 'submit' }, 'Show');
  const sync = () => {
    const custom = select.value === 'custom';
    fromField.hidden = toField.hidden = !custom;
    from.required = to.required = custom;
    dateField.hidden = custom || select.value === 'all';
  };
  const emit = () => {
    const p = { period: select.value };
    if (select.value === 'custom') { p.from = from.value; p.to = to.value; }
    else if (select.value !== 'all' && date.value) p.date = date.value;
    onChange(p);
  };
  select.addEventListener('change', () => {
    sync();
    if (select.value === 'custom') {
      if (!from.value) from.value = todayIso().slice(0, 8) + '01';
      if (!to.value) to.value = todayIso();
      from.focus();
    } else {
      emit();
    }
  });
  const form = h('form', { class: 'controls', 'aria-label': 'Period' },
    h('div', { class: 'field' }, h('label', { for: id('select') }, 'Period'), select), dateField, fromField, toField,
    apply);
  form.addEventListener('submit', (e) => { e.preventDefault(); emit(); });
  sync();
  return form;
}

export function windowText(window) {
  if (!window) return '';
  if (!window.from) return `All time (${window.timeZone})`;
  return `${day(window.from)} – ${day(window.to)} (${window.timeZone})`;
}

let uplot = null;

/** uPlot (from Maven Central, copied into this jar by the build), loaded only by pages that draw charts. */
export function loadChartLibrary() {
  if (!uplot) {
    uplot = new Promise((resolve, reject) => {
      document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/uplot/uPlot.min.css' }));
      const script = h('script', { src: '/vendor/uplot/uPlot.iife.min.js' });
      script.onload = () => resolve(window.uPlot);
      script.onerror = () => { uplot = null; reject(new Error('The chart library did not load')); };
      document.head.append(script);
    });
  }
  return uplot;
}

/** A bar chart of values over days (x = unix seconds); redraws on resize; returns a cleanup function. */
export async function barChart(container, xs, ys, { label, title, color = '#0a6b4c', pad = 86400 }) {
  const uPlot = await loadChartLibrary();
  container.replaceChildren();
  if (xs.length === 1) {
    // one bar alone: empty neighbours a day (or the given pad) away, so the axis does not span years
    xs = [xs[0] - pad, xs[0], xs[0] + pad];
    ys = [null, ys[0], null];
  }
  const width = () => Math.max(280, container.clientWidth - 16);
  const chart = new uPlot({
    title,
    width: width(),
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    height: 260,
    legend: { show: true },
    cursor: { drag: { x: true, y: false } },
    // bars start at zero, whatever the smallest value
    scales: { x: { time: true }, y: { range: (u, min, max) => [0, max > 0 ? max * 1.05 : 1] } },
    axes: [{ stroke: '#53585e', grid: { stroke: '#e6e8ea' } },
      { stroke: '#53585e', grid: { stroke: '#e6e8ea' }, size: 64 }],
    series: [{}, {
      label, stroke: color, fill: `${color}cc`, width: 0,
      paths: uPlot.paths.bars({ size: [0.9, 24] }), points: { show: false },
    }],
  }, [xs, ys], container);
  const onResize = () => chart.setSize({ width: width(), height: 260 });
  window.addEventListener('resize', onResize);
  return () => { window.removeEventListener('resize', onResize); chart.destroy(); };
}

/** Seconds since the epoch of a local date, for the chart's x axis (drawn in UTC so days do not shift). */
export function epochSeconds(localDate) {
  const [y, m, d] = localDate.slice(0, 10).split('-').map(Number);
  return Date.UTC(y, m - 1, d) / 1000;
}

/**
 * An album cover (or an artist's picture) of a fixed size: a placeholder box that the image fills once it has
 * loaded. Lazy-loaded and decoded off the main thread, with its size set, so it never blocks or shifts the page; a
 * missing or failed image leaves the placeholder.
 */
export function cover(url, alt, size = 48) {
  const box = h('span', { class: 'cover', style: { width: `${size}px`, height: `${size}px` } });
  if (!url) {
    box.classList.add('missing');
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', `${alt} (no image)`);
    return box;
  }
  const img = h('img', { src: url, alt, width: size, height: size, loading: 'lazy', decoding: 'async' });
  img.addEventListener('load', () => box.classList.add('loaded'), { once: true });
  img.addEventListener('error', () => {
    img.remove();
    box.classList.add('missing');
    box.setAttribute('role', 'img');
    box.setAttribute('aria-label', `${alt} (image not available)`);
  }, { once: true });
  box.append(img);
  return box;
}

const ENTITY_PAGES = { tracks: 'track', artists: 'artist', albums: 'album' };

/** The route of a track's, artist's or album's page (kind: tracks, artists or albums). */
export function entityHref(kind, id) {
  return `#/${ENTITY_PAGES[kind]}/${encodeURIComponent(id)}`;
}

/** A link to an item's page, with its name as text. */
export function entityLink(kind, id, name, attrs = {}) {
  if (!id) return name || '–';
  return h('a', { href: entityHref(kind, id), 'data-entity': ENTITY_PAGES[kind], ...attrs }, name || id);
}

/** The artists of a play or track, each linked to their page, comma separated. */
export function artistLinks(list) {
  const out = [];
  (list || []).forEach((a, i) => {
    if (i > 0) out.push(', ');
    out.push(entityLink('artists', a.id, a.name));
  });
  return out;
}
