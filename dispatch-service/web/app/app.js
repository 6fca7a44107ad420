import { api, ApiError, el, session, signOut } from '/shared/api.js';
import { countdown, currentLanguage, t, toggleLanguage } from '/shared/i18n.js';
import { createMap } from '/shared/map.js';
import { flush, perform, queued } from '/shared/queue.js';
import { signInForm } from '/shared/signInForm.js';

const main = document.getElementById('main');
const state = { tickets: [], cells: null, me: null, view: 'list', ticketId: null, stream: null, lastSeen: new Set() };

function toast(text) {
  const box = document.getElementById('toast');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), 4000);
}

function header() {
  document.documentElement.lang = currentLanguage();
  document.getElementById('title').textContent = t('appTitle');
  const lang = document.getElementById('lang');
  lang.textContent = t('language');
  lang.onclick = () => {
    toggleLanguage();
    render();
  };
  const logout = document.getElementById('logout');
  logout.textContent = t('signOut');
  logout.hidden = !session.get();
  logout.onclick = async () => {
    await signOut();
    state.stream?.close();
    state.stream = null;
    render();
  };
  const net = document.getElementById('net');
  const pending = queued().length;
  net.hidden = navigator.onLine && pending === 0;
  net.textContent = navigator.onLine ? `${t('queued')}: ${pending}` : t('offline');
}

function deadlineOf(ticket) {
  if (ticket.status === 'assigned' && ticket.acceptBy) return { label: t('acceptWithin'), ...countdown(ticket.acceptBy) };
  return { label: t('dueIn'), ...countdown(ticket.dueBy) };
}

function countdownNode(ticket) {
  const node = el('span', { className: 'countdown', 'data-ticket': ticket.ticketId });
  const paint = () => {
    const d = deadlineOf(ticket);
    node.textContent = d.overdue ? `${t('overdue')} ${d.text}` : `${d.label} ${d.text}`;
    node.classList.toggle('overdue', d.overdue);
  };
  paint();
  node.paint = paint;
  return node;
}

function listView() {
  const isWorker = state.me?.role === 'worker';
  const mapBox = el('div', { id: 'map' });
  const pendingTickets = new Set(queued().map((q) => q.ticketId));
  const items = state.tickets.map((ticket) =>
    el(
      'li',
      { className: `ticket ${ticket.priority}`, 'data-ticket-id': ticket.ticketId, onclick: () => openTicket(ticket.ticketId) },
      el('div', { className: 'row' }, el('strong', {}, t('kinds')[ticket.kind] ?? ticket.kind), el('span', { className: `badge ${ticket.priority}` }, ticket.priority)),
      el(
        'div',
        { className: 'row' },
        el('span', { className: 'status' }, t('statuses')[ticket.status] ?? ticket.status),
        ticket.escalated ? el('span', { className: 'badge escalated' }, t('escalated')) : null,
        pendingTickets.has(ticket.ticketId) ? el('span', { className: 'badge queued' }, t('queued')) : null,
        countdownNode(ticket),
      ),
    ),
  );
  const view = el('section', {}, mapBox, el('h2', {}, isWorker ? t('myTickets') : t('allTickets')), items.length ? el('ul', { className: 'tickets' }, items) : el('p', {}, t('noTickets')));
  queueMicrotask(() => drawMap(mapBox, state.tickets));
  return view;
}

function drawMap(container, tickets, focus) {
  if (!window.L || !container.isConnected) return;
  const map = createMap(container);
  if (state.cells) map.showCells(state.cells, state.me?.homeCellId);
  map.showTickets(tickets, (ticket) => openTicket(ticket.ticketId));
  if (focus) map.map.setView([focus.lat, focus.lon], 17);
  else map.fit(state.me?.homeCellId);
}

async function shrink(file) {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1600 / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d').drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return canvas.toDataURL('image/jpeg', 0.85);
}

async function act(ticket, body, photoFile) {
  try {
    const photo = photoFile ? await shrink(photoFile) : undefined;
    const result = await perform({ ticketId: ticket.ticketId, body: { ...body, expectedVersion: ticket.version }, ...(photo ? { photo } : {}) });
    if (result.queued) {
      toast(t('queued'));
      render();
      return;
    }
    toast(t('sent'));
    await refresh();
  } catch (error) {
    toast(`${t('failed')}: ${error.message}`);
  }
}

async function detailView(ticketId) {
  const ticket = state.tickets.find((x) => x.ticketId === ticketId) ?? (await api(`/api/v1/tickets/${ticketId}`));
  const events = await api(`/api/v1/tickets/${ticketId}/events`).then((r) => r.events, () => []);
  const role = state.me?.role;
  const mapBox = el('div', { className: 'map' });
  const buttons = [];
  const note = el('textarea', { name: 'note', rows: 2, placeholder: t('note'), maxlength: 2000 });
  const photoInput = el('input', { type: 'file', name: 'photo', accept: 'image/*', capture: 'environment' });
  if (role === 'worker' && ticket.status === 'assigned') buttons.push(el('button', { className: 'primary', 'data-action': 'accept', onclick: () => act(ticket, { action: 'accept' }) }, t('accept')));
  if (role === 'worker' && ticket.status === 'accepted') buttons.push(el('button', { className: 'primary', 'data-action': 'start', onclick: () => act(ticket, { action: 'start' }) }, t('start')));
  if (role === 'worker' && ticket.status === 'in_progress') {
    buttons.push(
      el('label', {}, t('photo'), photoInput),
      note,
      el('button', {
        className: 'primary',
        'data-action': 'resolve',
        onclick: () => {
          const file = photoInput.files?.[0];
          if (!file) return toast(t('needPhoto'));
          return act(ticket, { action: 'resolve', ...(note.value.trim() ? { note: note.value.trim() } : {}) }, file);
        },
      }, t('resolve')),
    );
  }
  if (role === 'supervisor' && ticket.status === 'resolved') {
    buttons.push(
      note,
      el('button', { className: 'primary', 'data-action': 'verify', onclick: () => act(ticket, { action: 'verify', ...(note.value.trim() ? { note: note.value.trim() } : {}) }) }, t('verify')),
      el('button', { className: 'secondary', 'data-action': 'reject', onclick: () => act(ticket, { action: 'reject', note: note.value.trim() || '-' }) }, t('reject')),
    );
  }
  const lastPhoto = [...events].reverse().find((e) => e.photoUrl)?.photoUrl;
  const view = el(
    'section',
    { className: 'detail', 'data-ticket-id': ticket.ticketId },
    el('button', { className: 'link', onclick: () => { state.view = 'list'; render(); } }, `← ${t('back')}`),
    el('h2', {}, `${t('kinds')[ticket.kind] ?? ticket.kind} · ${ticket.priority}`),
    el('p', {}, el('span', { className: 'status' }, t('statuses')[ticket.status] ?? ticket.status), ' · ', countdownNode(ticket)),
    mapBox,
    ticket.snapshotUrl ? el('figure', {}, el('img', { src: ticket.snapshotUrl, alt: t('evidence') }), el('figcaption', {}, t('evidence'))) : null,
    lastPhoto ? el('figure', {}, el('img', { src: lastPhoto, alt: t('photo'), className: 'fix-photo' }), el('figcaption', {}, t('photo'))) : null,
    ...buttons,
    el('h3', {}, t('trail')),
    el('ol', { className: 'trail' }, events.map((e) => el('li', { 'data-transition': e.transition }, `${new Date(e.at).toLocaleString(currentLanguage())} · ${t('transitions')[e.transition] ?? e.transition} · ${e.actor.id ?? e.actor.type}${e.note ? ` · ${e.note}` : ''}`))),
  );
  queueMicrotask(() => drawMap(mapBox, [ticket], ticket.location));
  return view;
}

function openTicket(ticketId) {
  state.view = 'detail';
  state.ticketId = ticketId;
  render();
}

async function render() {
  header();
  if (!session.get()) {
    main.replaceChildren(signInForm(start));
    return;
  }
  main.replaceChildren(state.view === 'detail' && state.ticketId ? await detailView(state.ticketId) : listView());
}

async function refresh() {
  const { tickets } = await api('/api/v1/tickets');
  const fresh = tickets.filter((x) => !state.lastSeen.has(x.ticketId) && x.status === 'assigned');
  if (state.lastSeen.size > 0 && fresh.length > 0) toast(`${t('newTicket')}: ${t('kinds')[fresh[0].kind] ?? fresh[0].kind}`);
  state.tickets = tickets;
  for (const x of tickets) state.lastSeen.add(x.ticketId);
  await render();
}

function listen() {
  state.stream?.close();
  const current = session.get();
  if (!current) return;
  const stream = new EventSource(`/api/v1/stream?access_token=${encodeURIComponent(current.token)}`);
  stream.addEventListener('ticket', () => void refresh().catch(() => undefined));
  // After a reconnect, fetch everything: changes made while disconnected have no event.
  stream.addEventListener('ready', () => void refresh().catch(() => undefined));
  state.stream = stream;
}

async function start() {
  if (!session.get()) return render();
  try {
    state.me = await api('/api/v1/me');
    state.cells = await api('/api/v1/cells');
    await refresh();
    listen();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) session.clear();
    await render();
  }
}

async function sendQueued() {
  if (!navigator.onLine || queued().length === 0) return;
  await flush((item, error) => toast(error ? `${t('failed')}: ${error.message}` : t('sent')));
  await refresh().catch(() => undefined);
}

window.addEventListener('online', () => {
  toast(t('online'));
  void sendQueued();
});
window.addEventListener('offline', () => header());
setInterval(() => {
  for (const node of document.querySelectorAll('.countdown')) node.paint?.();
}, 1000);
setInterval(() => void sendQueued(), 10_000);
if ('serviceWorker' in navigator) navigator.serviceWorker.register('/app/sw.js', { scope: '/app/' }).catch(() => undefined);
void start();
