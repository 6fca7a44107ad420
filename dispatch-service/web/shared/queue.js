import { api, ApiError } from './api.js';

// Actions taken while offline wait here, in order, and survive a reload. A photo travels as a
// data URL (already shrunk by the app) until it can be uploaded.
const KEY = 'gs.queue';

export function queued() {
  try {
    return JSON.parse(localStorage.getItem(KEY) ?? '[]');
  } catch {
    return [];
  }
}

function save(items) {
  localStorage.setItem(KEY, JSON.stringify(items));
}

export function enqueue(item) {
  save([...queued(), { ...item, queuedAt: new Date().toISOString() }]);
}

export function isNetworkFailure(error) {
  return !(error instanceof ApiError);
}

async function send(item) {
  let photoId;
  if (item.photo) {
    const blob = await (await fetch(item.photo)).blob();
    const form = new FormData();
    form.append('photo', blob, 'photo.jpg');
    photoId = (await api(`/api/v1/tickets/${item.ticketId}/photos`, { method: 'POST', form })).photoId;
  }
  return api(`/api/v1/tickets/${item.ticketId}/actions`, { method: 'POST', body: { ...item.body, ...(photoId ? { photoId } : {}) } });
}

/** Sends an action now, or queues it when the network is down. Returns { sent, ticket?, queued? }. */
export async function perform(item) {
  if (!navigator.onLine) {
    enqueue(item);
    return { queued: true };
  }
  try {
    return { sent: true, ticket: await send(item) };
  } catch (error) {
    if (isNetworkFailure(error)) {
      enqueue(item);
      return { queued: true };
    }
    throw error;
  }
}

/** Sends queued actions in order; stops at the first network failure, drops (and reports) ones the server refuses. */
export async function flush(onResult) {
  let items = queued();
  while (items.length > 0) {
    const [item, ...rest] = items;
    try {
      await send(item);
      onResult?.(item, null);
    } catch (error) {
      if (isNetworkFailure(error)) return;
      onResult?.(item, error);
    }
    items = rest;
    save(items);
  }
}
