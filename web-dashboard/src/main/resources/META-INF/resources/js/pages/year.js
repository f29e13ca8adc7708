// Year in review: totals, top tracks/artists/albums, busiest month and day, peak hour, streak, longest session.
import { api, download } from '../api.js';
import { navigate } from '../app.js';
import {
  artistLinks, count, cover, dateTime, day, entityLink, h, loading, minutes, notice, num, stat, statGrid,
} from '../ui.js';

function topList(title, kind, items) {
  return h('section', { class: 'card' }, h('h2', {}, title),
    items && items.length ? h('ol', { class: 'rank', 'data-top': kind }, items.map((i) => h('li', { 'data-id': i.id },
      h('span', { class: 'with-cover' },
        cover(i.imageUrl, kind === 'artists' ? `Cover of an album by ${i.name}` : `Cover of ${i.albumName || i.name}`, 32),
        h('span', {}, h('strong', {}, entityLink(kind, i.id, i.name)),
          i.artists ? h('span', { class: 'sub' }, ' · ', artistLinks(i.artists)) : null,
          h('span', { class: 'sub' }, ` · ${num(i.plays)} plays`))))))
      : h('p', { class: 'sub' }, 'None'));
}

export async function render(view, { rest, isCurrent }) {
  const now = new Date().getFullYear();
  const year = /^\d{4}$/.test(rest[0] || '') ? Number(rest[0]) : now;
  document.title = `${year} in review · Audiospective`;
  const select = h('select', { id: 'year-select' }, h('option', { value: year, selected: true }, year));
  select.addEventListener('change', () => navigate(`year/${select.value}`));
  view.append(h('h1', {}, `${year} in review`),
    h('div', { class: 'controls' }, h('div', { class: 'field' }, h('label', { for: 'year-select' }, 'Year'), select)));
  const result = h('div', {}, loading());
  view.append(result);
  const [review, months] = await Promise.all([
    api(`/api/v1/me/stats/year-in-review/${year}`).catch((e) => e),
    api('/api/v1/me/stats/timeline?period=all&granularity=month').catch(() => null),
  ]);
  if (!isCurrent()) return;
  const years = new Set([now, year]);
  for (const b of (months && months.buckets) || []) years.add(Number(b.start.slice(0, 4)));
  select.replaceChildren(...[...years].sort((a, b) => b - a).map((y) => h('option', { value: y, selected: y === year }, y)));
  if (review instanceof Error) {
    result.replaceChildren(notice(review.message, 'bad'));
    return;
  }
  const s = review.summary || {};
  if (!s.plays) {
    result.replaceChildren(notice(`No plays archived in ${year}.`));
    return;
  }
  result.replaceChildren(
    statGrid(
      stat('Plays', num(s.plays), 'plays'),
      stat('Listening time', minutes(s.minutes), 'minutes'),
      stat('Different tracks', num(s.distinctTracks), 'tracks'),
      stat('Different artists', num(s.distinctArtists), 'artists'),
      stat('New artists', num(s.artistsDiscovered), 'discovered'),
      stat('Busiest month', review.topMonth ? `${review.topMonth.month} (${num(review.topMonth.plays)})` : '–', 'month'),
      stat('Busiest day', review.busiestDay ? `${day(review.busiestDay.day)} (${num(review.busiestDay.plays)})` : '–', 'day'),
      stat('Peak hour', review.peakHour !== undefined && review.peakHour !== null ? `${review.peakHour}:00` : '–', 'hour'),
      stat('Longest streak', review.longestStreak ? count(review.longestStreak.days, 'day') : '–', 'streak'),
      stat('Longest session', review.longestSession
        ? `${minutes(review.longestSession.minutes)}, ${num(review.longestSession.plays)} plays` : '–', 'session'),
    ),
    h('p', { class: 'sub' }, review.longestSession
      ? `Longest session started ${dateTime(review.longestSession.start)}.` : ''),
    h('div', { class: 'grid' },
      topList('Top tracks', 'tracks', review.topTracks),
      topList('Top artists', 'artists', review.topArtists),
      topList('Top albums', 'albums', review.topAlbums)),
    shareCard(year));
}

/** The year as a picture to share (api-service draws it from the same figures). */
function shareCard(year) {
  const status = h('p', { class: 'sub', role: 'status' });
  const button = h('button', { type: 'button', id: 'year-card' }, 'Download as image');
  button.addEventListener('click', async () => {
    button.disabled = true;
    status.textContent = 'Drawing the image…';
    try {
      const name = `audiospective-${year}.png`;
      const size = await download(`/api/v1/me/stats/year-in-review/${year}/card`, name);
      status.textContent = `Downloaded ${name} (${num(Math.round(size / 1024))} KB).`;
    } catch (e) {
      status.replaceChildren(notice(e.message, 'bad'));
    } finally {
      button.disabled = false;
    }
  });
  return h('section', { class: 'card' }, h('h2', {}, 'Share your year'),
    h('p', {}, 'A 1080 × 1350 picture of your year: minutes, plays, top artists and tracks.'), button, status);
}
