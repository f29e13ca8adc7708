// A track's, artist's or album's own page (#/track/<id>, #/artist/<id>, #/album/<id>): cover, plays, listening
// time, all-time rank, first and last play, plays per month (chart and table), for an artist or album its top
// tracks, and the latest plays with a link to the whole filtered history.
import { api, query } from '../api.js';
import {
  artistLinks, barChart, cover, dateTime, entityLink, epochSeconds, h, loading, minutes, notice, num, stat, statGrid,
} from '../ui.js';

const KINDS = { track: ['tracks', 'Track'], artist: ['artists', 'Artist'], album: ['albums', 'Album'] };

function monthLabel(start) {
  return new Date(`${start}T00:00:00Z`).toLocaleDateString(undefined, { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

function timelineSection(timeline) {
  const buckets = timeline.buckets;
  const busiest = buckets.reduce((a, b) => (b.plays > a.plays ? b : a));
  const chart = h('div', { class: 'chart', id: 'item-chart', role: 'img',
    'aria-label': `Bar chart of plays per month; busiest month: ${monthLabel(busiest.start)} with ${busiest.plays} plays` });
  const table = h('details', {}, h('summary', {}, 'Show the numbers as a table'),
    h('div', { class: 'scroll' }, h('table', { id: 'item-timeline' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Month'), h('th', { scope: 'col', class: 'num' }, 'Plays'),
        h('th', { scope: 'col', class: 'num' }, 'Time'))),
      h('tbody', {}, buckets.map((b) => h('tr', { 'data-start': b.start },
        h('td', {}, monthLabel(b.start)), h('td', { class: 'num plays' }, num(b.plays)),
        h('td', { class: 'num' }, minutes(b.minutes))))))));
  return { section: h('section', {}, h('h2', {}, 'Plays per month'), chart, table), chart, buckets };
}

function topTrackRow(t) {
  const name = h('div', {}, entityLink('tracks', t.id, t.name),
    h('div', { class: 'sub' }, artistLinks(t.artists),
      t.albumName ? [' · ', entityLink('albums', t.albumId, t.albumName)] : ''));
  return h('tr', { 'data-id': t.id },
    h('td', { class: 'num' }, t.rank),
    h('td', {}, h('div', { class: 'with-cover' }, cover(t.imageUrl, `Cover of ${t.albumName || t.name}`, 40), name)),
    h('td', { class: 'num plays' }, num(t.plays)),
    h('td', { class: 'num hide-narrow' }, minutes(t.minutes)));
}

function topTracksSection(top, what) {
  if (!top || !top.items.length) return null;
  const head = h('thead', {}, h('tr', {}, h('th', { scope: 'col', class: 'num' }, '#'), h('th', { scope: 'col' }, 'Track'),
    h('th', { scope: 'col', class: 'num' }, 'Plays'), h('th', { scope: 'col', class: 'num hide-narrow' }, 'Time')));
  return h('section', {}, h('h2', {}, `Top tracks of this ${what}`),
    h('div', { class: 'scroll' }, h('table', { id: 'item-top-tracks' }, head, h('tbody', {}, top.items.map(topTrackRow)))));
}

function recentSection(plays, filter, what) {
  return h('section', {}, h('h2', {}, 'Latest plays'),
    h('ol', { class: 'history', id: 'item-recent' }, plays.items.map((p) => h('li', { class: 'play', 'data-played-at': p.playedAt },
      h('time', { datetime: p.playedAt }, dateTime(p.playedAt)),
      cover(p.imageUrl, `Cover of ${p.albumName}`, 32),
      h('div', {}, entityLink('tracks', p.trackId, p.trackName),
        h('span', { class: 'sub' }, ' · ', artistLinks(p.artists)))))),
    h('p', {}, h('a', { href: `#/history${query(filter)}`, id: 'item-history' }, `Every play of this ${what} in your history`)));
}

export async function render(view, { page, rest, isCurrent }) {
  const [kind, label] = KINDS[page];
  const id = decodeURIComponent(rest[0] || '');
  document.title = `${label} · Audiospective`;
  const what = label.toLowerCase();
  const filter = { [page]: id };
  const head = h('div', { class: 'entity-head' }, h('h1', {}, label));
  const body = h('div', {}, loading());
  view.append(head, body);
  const [item, timeline, top, recent] = await Promise.all([
    api(`/api/v1/me/stats/${kind}/${encodeURIComponent(id)}`).catch((e) => e),
    api(`/api/v1/me/stats/${kind}/${encodeURIComponent(id)}/timeline?granularity=month`).catch(() => null),
    page === 'track' ? null
      : api(`/api/v1/me/stats/top/tracks${query({ period: 'all', limit: 10, [page]: id })}`).catch(() => null),
    api(`/api/v1/me/plays${query({ ...filter, limit: 10 })}`).catch(() => null),
  ]);
  if (!isCurrent()) return undefined;
  if (item instanceof Error) {
    body.replaceChildren(notice(item.status === 404 ? `You have never played this ${what}.` : item.message,
      item.status === 404 ? '' : 'bad'));
    return undefined;
  }
  document.title = `${item.name || id} · ${label} · Audiospective`;
  const coverAlt = page === 'artist' ? `Cover of an album by ${item.name}` : `Cover of ${item.albumName || item.name}`;
  head.replaceChildren(cover(item.imageUrl, coverAlt, 160),
    h('div', {}, h('p', { class: 'sub' }, label), h('h1', { id: 'item-name' }, item.name || id),
      page === 'track' ? h('p', {}, artistLinks(item.artists),
        item.albumName ? [' · ', entityLink('albums', item.albumId, item.albumName)] : '') : null));
  const parts = [statGrid(
    stat('Plays', num(item.plays), 'plays'),
    stat('Listening time', minutes(item.minutes), 'minutes'),
    stat(`Rank among your ${kind}`, `#${num(item.rank)}`, 'rank'),
    stat('First play', dateTime(item.firstPlayedAt), 'first', 'small'),
    stat('Last play', dateTime(item.lastPlayedAt), 'last', 'small'),
  )];
  const chart = timeline && timeline.buckets.length ? timelineSection(timeline) : null;
  if (chart) parts.push(chart.section);
  if (page !== 'track') parts.push(topTracksSection(top, what));
  if (recent) parts.push(recentSection(recent, filter, what));
  body.replaceChildren(...parts.filter(Boolean));
  if (!chart) return undefined;
  try {
    return await barChart(chart.chart, chart.buckets.map((b) => epochSeconds(b.start)), chart.buckets.map((b) => b.plays),
      { label: 'Plays', pad: 31 * 86400 });
  } catch (e) {
    chart.chart.replaceChildren(notice(e.message, 'bad'));
    return undefined;
  }
}
