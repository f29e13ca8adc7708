// Top tracks, artists and albums for a period (week, month, year, all time or a custom range).
import { api, query } from '../api.js';
import { navigate } from '../app.js';
import {
  artistLinks, cover, entityLink, h, loading, minutes, notice, num, periodPicker, windowOf, windowText,
} from '../ui.js';

const KINDS = [['tracks', 'Tracks'], ['artists', 'Artists'], ['albums', 'Albums']];

export async function render(view, { params, isCurrent }) {
  const kind = KINDS.some(([k]) => k === params.get('kind')) ? params.get('kind') : 'tracks';
  const label = KINDS.find(([k]) => k === kind)[1];
  document.title = `Top ${label.toLowerCase()} · Audiospective`;
  const w = windowOf(params);
  const go = (p) => navigate('top', { kind, ...p });
  view.append(h('h1', {}, `Top ${label.toLowerCase()}`));
  view.append(h('nav', { class: 'tabs', 'aria-label': 'What to rank' }, KINDS.map(([k, text]) =>
    h('a', { href: `#/top${query({ ...w, kind: k })}`, 'aria-current': k === kind ? 'page' : null, 'data-kind': k }, text))));
  view.append(periodPicker(params, go));
  if (w.period === 'custom' && (!w.from || !w.to)) {
    view.append(notice('Choose the first and last day of the range.'));
    return;
  }
  const result = h('div', { id: 'top-result' }, loading());
  view.append(result);
  let top;
  try {
    top = await api(`/api/v1/me/stats/top/${kind}${query({ ...w, limit: 50 })}`);
  } catch (e) {
    result.replaceChildren(notice(e.message, 'bad'));
    return;
  }
  if (!isCurrent()) return;
  const caption = h('caption', { class: 'sub', style: { textAlign: 'left', captionSide: 'top' } }, windowText(top.window));
  if (!top.items.length) {
    result.replaceChildren(h('p', { class: 'sub', id: 'top-window' }, windowText(top.window)), notice('No plays in this period.'));
    return;
  }
  const max = top.items[0].plays || 1;
  const rows = top.items.map((item) => h('tr', { 'data-id': item.id },
    h('td', { class: 'num' }, item.rank),
    h('td', {}, h('div', { class: 'with-cover' },
      cover(item.imageUrl, kind === 'artists' ? `Cover of an album by ${item.name}` : `Cover of ${item.albumName || item.name}`, 48),
      h('div', {}, h('span', { class: 'name' }, entityLink(kind, item.id, item.name)),
        kind !== 'artists' && item.artists ? h('div', { class: 'sub' }, artistLinks(item.artists),
          kind === 'tracks' && item.albumName ? [' · ', entityLink('albums', item.albumId, item.albumName)] : '') : null)),
      h('div', { class: 'bar', style: { width: `${(100 * item.plays) / max}%` }, 'aria-hidden': 'true' })),
    h('td', { class: 'num plays' }, num(item.plays)),
    h('td', { class: 'num hide-narrow' }, minutes(item.minutes))));
  result.replaceChildren(h('div', { class: 'scroll' }, h('table', { id: 'top-table' }, caption,
    h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, label.slice(0, -1)),
      h('th', { scope: 'col', class: 'num' }, 'Plays'), h('th', { scope: 'col', class: 'num hide-narrow' }, 'Time'))),
    h('tbody', {}, rows))));
}
