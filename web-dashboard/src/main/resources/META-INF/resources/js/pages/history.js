// History: plays newest first, grouped by local day, loading the next page when the end comes into view (or on
// the button, for keyboards and screen readers).
import { api, query } from '../api.js';
import { artists, day, h, notice } from '../ui.js';

const PAGE = 50;

export async function render(view, { isCurrent }) {
  document.title = 'History · Audiospective';
  const list = h('div', { class: 'history', id: 'history' });
  const status = h('p', { class: 'sub', role: 'status', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'secondary', id: 'load-more' }, 'Load more');
  view.append(h('h1', {}, 'History'), list, status, h('p', {}, more));
  let cursor = null;
  let loading = false;
  let done = false;
  let shown = 0;
  let lastDay = null;
  let group = null;

  async function next() {
    if (loading || done) return;
    loading = true;
    more.disabled = true;
    status.textContent = 'Loading plays…';
    try {
      const page = await api(`/api/v1/me/plays${query({ limit: PAGE, cursor })}`);
      if (!isCurrent()) return;
      for (const play of page.items) {
        const localDay = play.localTime.slice(0, 10);
        if (localDay !== lastDay) {
          lastDay = localDay;
          group = h('ol', { class: 'history', 'aria-label': day(localDay, 'full') });
          list.append(h('section', {}, h('h2', {}, day(localDay, 'full')), group));
        }
        group.append(h('li', { class: 'play', 'data-played-at': play.playedAt },
          h('time', { datetime: play.playedAt }, play.localTime.slice(11, 16)),
          h('div', {}, h('strong', { class: 'track' }, play.trackName), h('br'),
            h('span', { class: 'sub' }, artists(play.artists), play.albumName ? ` · ${play.albumName}` : ''))));
      }
      shown += page.items.length;
      cursor = page.nextCursor || null;
      done = !cursor;
      status.textContent = shown === 0 ? 'No plays yet.' : `${shown} plays shown${done ? ': that is all of them.' : '.'}`;
      more.hidden = done;
    } catch (e) {
      status.replaceChildren(notice(e.message, 'bad'));
    } finally {
      loading = false;
      more.disabled = false;
    }
    // The observer only reports changes: keep filling while the end is still in view.
    if (!done && isCurrent() && more.getBoundingClientRect().top < window.innerHeight + 600) setTimeout(next, 0);
  }

  more.addEventListener('click', next);
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting)) next();
  }, { rootMargin: '600px 0px' });
  await next();
  observer.observe(more);
  return () => observer.disconnect();
}
