import { api, ApiError, el, session } from '/shared/api.js';
import { currentLanguage, t, toggleLanguage } from '/shared/i18n.js';
import { createMap } from '/shared/map.js';
import { signInForm } from '/shared/signInForm.js';

// Live incident map for local runs: every open ticket on the grid, redrawn on each pushed change.
const main = document.getElementById('main');
const OPEN = ['new', 'assigned', 'accepted', 'in_progress', 'resolved'];
let map;
let stream;

function header() {
  document.documentElement.lang = currentLanguage();
  document.getElementById('title').textContent = t('opsTitle');
  const lang = document.getElementById('lang');
  lang.textContent = t('language');
  lang.onclick = () => {
    toggleLanguage();
    void start();
  };
}

function login() {
  main.replaceChildren(signInForm(start));
}

async function redraw(counts) {
  const query = OPEN.map((s) => `status=${s}`).join('&');
  const { tickets } = await api(`/api/v1/tickets?${query}&limit=500`);
  map.showTickets(tickets);
  const byStatus = Object.fromEntries(OPEN.map((s) => [s, tickets.filter((x) => x.status === s).length]));
  counts.replaceChildren(...OPEN.map((s) => el('span', { className: 'badge', 'data-status': s }, `${t('statuses')[s]} ${byStatus[s]}`)));
}

async function start() {
  header();
  if (!session.get()) return login();
  try {
    const counts = el('div', { className: 'counts' });
    const box = el('div', { id: 'opsmap' });
    main.replaceChildren(counts, box);
    map = createMap(box);
    map.showCells(await api('/api/v1/cells'));
    await redraw(counts);
    map.fit();
    stream?.close();
    stream = new EventSource(`/api/v1/stream?access_token=${encodeURIComponent(session.get().token)}`);
    stream.addEventListener('ticket', () => void redraw(counts).catch(() => undefined));
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) session.clear();
    login();
  }
}

window.addEventListener('load', () => void start());
